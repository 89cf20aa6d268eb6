// For tests/test_browser_compact.py: BERTviz's untouched output (its inline scripts call the global
// require.config and requirejs while the page is parsed) drawn the way BERTviz itself draws, to compare with
// the site. The site never defines these globals (its BERTviz scripts import attnviz/web/bertviz-require.js);
// this stand-in is a classic script on purpose: it must run before the page's inline scripts.
window.requirejs = function (deps, callback) {
  return callback.apply(window, deps.map(function (name) { return name === "d3" ? window.d3 : window.jQuery; }));
};
window.requirejs.config = function () {};
window.require = window.requirejs;
