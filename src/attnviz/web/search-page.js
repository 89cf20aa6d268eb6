/*
 * attnviz: Japanese queries on Sphinx's search page. Sphinx's searchtools.js calls a global function
 * `splitQuery` (its own unless the page defines one): this module sets it, before the search runs
 * (modules run before DOMContentLoaded, when searchtools.js starts its search).
 */
import { splitQuery } from "./search.js";

window.splitQuery = splitQuery;
