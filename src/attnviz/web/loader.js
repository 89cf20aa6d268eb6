/*
 * attnviz: a synchronous stand-in for the two require.js calls BERTviz's views make,
 *   require.config({paths: {d3: <CDN>, jquery: <CDN>}})
 *   requirejs(['jquery', 'd3'], function ($, d3) { ... })
 * d3 and jQuery are loaded before this file from the site's own _static folder, so the callback
 * runs at once with the globals. No AMD `define` is defined: other libraries keep using globals.
 * Running synchronously also keeps the neuron view's `window.bertviz_params` from racing when a
 * page holds several views.
 */
(function () {
  "use strict";
  var modules = {
    jquery: function () { return window.jQuery; },
    d3: function () { return window.d3; }
  };
  function requirejs(deps, callback) {
    var args = [].concat(deps).map(function (name) {
      var get = modules[name];
      if (!get || !get()) {
        throw new Error("attnviz offline loader: module '" + name + "' is not available on this page");
      }
      return get();
    });
    if (typeof callback === "function") {
      return callback.apply(window, args);
    }
  }
  requirejs.config = function () {};
  window.requirejs = requirejs;
  window.require = requirejs;
})();
