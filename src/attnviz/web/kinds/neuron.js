/*
 * attnviz view kind "neuron": BERTviz's neuron view (registered in attnviz.views). Its handle for a11y.js:
 * the +/- signs that open and close the query and key vectors work with Enter, tokens show their weights
 * when focused, and a text alternative for the layer and head chosen.
 */
import { focusable, fire, focusToken, onActivate } from "../a11y.js";
import { drawBertviz, shownData } from "../bertviz.js";
import { averageHeads } from "../textalt.js";

export async function draw(root, data) {
  const params = await drawBertviz("neuron", data);
  return handle(params);
}

/** The neuron view's accessibility handle (see a11y.js), for a view drawn from `params`. */
export function handle(params) {
  return {
    params,
    title: "neuron view",
    enhance,
    table: {
      current(root) {
        // one layer and one head, chosen by the view's own selects
        const data = shownData(root, params);
        const layerSelect = root.querySelector("#layer");
        const headSelect = root.querySelector("#att_head");
        const seq = layerSelect ? +layerSelect.value : params.layer || 0;
        const head = headSelect ? +headSelect.value : params.head || 0;
        return {
          caption: `Layer ${seq}・Head ${head}`,
          left: data.left,
          right: data.right,
          rows: averageHeads(data.attn[seq], [head]),
          layer: data.layers[seq] ?? seq,
        };
      },
    },
  };
}

function enhance(root) {
  root.querySelectorAll(".plus-sign, .minus-sign").forEach((sign) => {
    const target = sign.nextElementSibling; // BERTviz listens on the invisible 16 px box after the sign
    if (!target || target.tagName.toLowerCase() !== "rect") return;
    const plus = sign.classList.contains("plus-sign");
    focusable(target, "button", plus ? "query と key のベクトルを開く" : "ベクトルを閉じる");
    onActivate(target, () => fire(target, "click"));
  });
  root.querySelectorAll("#vis svg .token").forEach(focusToken);
}
