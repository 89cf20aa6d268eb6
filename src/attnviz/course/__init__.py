"""Everything a chapter page states, built from :mod:`attnviz.core`'s numbers and glued by one call.

One module per chapter (``ch00`` … ``ch06``): its ``glue_page(loaded)`` computes and glues every fact,
table and figure the page pastes with ``{glue:…}``, and returns the model note that the page's first
cell shows. Every Japanese sentence assembled from a number lives in these modules; ``banner`` holds
what every page says about its model, ``glue`` how facts reach the page. Chapter 6 restates chapter 4's
and chapter 5's findings by calling their functions.
"""
