/* BERTviz __VERSION__ __VIEW___view.js (https://github.com/jessevig/bertviz, Apache-2.0),
 * copied from the installed package when the site was built (attnviz.sphinx.compact.bertviz_script
 * fills in this template). attnviz wraps it in a function of the view's params, decoded by
 * decode.js; BERTviz's code itself is unchanged. Its template marker (in the head and
 * model views) is the argument's name; the neuron view reads the global window.bertviz_params. */
window.attnvizBertviz = window.attnvizBertviz || {};
window.attnvizBertviz["__VIEW__"] = function (attnvizParams) {
  window.bertviz_params = attnvizParams;
/* __BERTVIZ_SOURCE__ */
};
