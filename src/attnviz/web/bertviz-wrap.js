/* BERTviz __VERSION__ __VIEW___view.js (https://github.com/jessevig/bertviz, Apache-2.0),
 * copied from the installed package when the site was built (attnviz.views.bertviz.bertviz_script fills
 * in this template). attnviz makes it an ES module whose default export draws one view from its params
 * (decoded by decode.js); BERTviz's code itself is unchanged. Its template marker (head and model views)
 * is the argument's name; the neuron view reads the global window.bertviz_params, BERTviz's own. */
import { requirejs } from "../bertviz-require.js";

const require = requirejs; // BERTviz's require.config(...) and requirejs([...], ...) reach the stand-in

export default function draw(attnvizParams) {
  window.bertviz_params = attnvizParams;
/* __BERTVIZ_SOURCE__ */
}
