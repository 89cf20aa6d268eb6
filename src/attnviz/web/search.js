/*
 * attnviz: split Japanese search queries into character bigrams, as the index is split
 * (attnviz/sphinx/search.py, function `split`; tests/js/search.test.js checks both agree).
 * Sphinx's searchtools.js uses a global `splitQuery` when one is defined before it loads.
 */
var splitQuery = function (query) {
  "use strict";
  var cjk = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f";
  var token = new RegExp("([" + cjk + "]+)|((?:(?![" + cjk + "])[\\p{L}\\p{N}_])+)", "gu");
  var terms = [];
  var match;
  while ((match = token.exec(query)) !== null) {
    if (match[1]) {
      var run = match[1];
      if (run.length === 1) { terms.push(run); }
      for (var i = 0; i + 1 < run.length; i++) { terms.push(run.slice(i, i + 2)); }
    } else {
      terms.push(match[2]);
    }
  }
  return terms;
};
if (typeof module === "object" && module.exports) { module.exports = { splitQuery: splitQuery }; }
