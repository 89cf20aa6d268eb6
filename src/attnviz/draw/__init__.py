"""Figures (matplotlib) and Markdown tables, drawn from the numbers the package computes."""
