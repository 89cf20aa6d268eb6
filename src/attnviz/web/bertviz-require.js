/*
 * attnviz: a synchronous stand-in for the two require.js calls BERTviz's views make,
 *   require.config({paths: {d3: <CDN>, jquery: <CDN>}})
 *   requirejs(['jquery', 'd3'], function ($, d3) { ... })
 * BERTviz's view scripts, as the site serves them (bertviz-wrap.js), import this module and see it as
 * their `require` and `requirejs`: no global require is defined, so no other library mistakes it for an
 * AMD loader. d3 and jQuery are the vendored files, loaded before (bertviz.js), which set window.d3 and
 * window.jQuery. Running the callback at once also keeps the neuron view's window.bertviz_params from
 * racing when a page holds several views.
 */

const MODULES = {
  jquery: () => globalThis.jQuery,
  d3: () => globalThis.d3,
};

export function requirejs(deps, callback) {
  const args = [].concat(deps).map((name) => {
    const value = MODULES[name] && MODULES[name]();
    if (!value) throw new Error(`attnviz offline loader: module '${name}' is not available on this page`);
    return value;
  });
  if (typeof callback === "function") return callback(...args);
  return undefined;
}

requirejs.config = () => {};
