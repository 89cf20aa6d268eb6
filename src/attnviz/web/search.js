/*
 * attnviz: split Japanese search queries into character bigrams, as the index is split
 * (attnviz/sphinx/search.py, function `split`; tests/test_web_js.py checks both agree).
 * search-page.js hands it to Sphinx's search page.
 */

const CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f";
const TOKEN = new RegExp(`([${CJK}]+)|((?:(?![${CJK}])[\\p{L}\\p{N}_])+)`, "gu");

export function splitQuery(query) {
  const terms = [];
  for (const match of query.matchAll(TOKEN)) {
    if (match[1]) {
      const run = match[1];
      if (run.length === 1) terms.push(run);
      for (let i = 0; i + 1 < run.length; i++) terms.push(run.slice(i, i + 2));
    } else {
      terms.push(match[2]);
    }
  }
  return terms;
}
