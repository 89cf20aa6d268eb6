/*
 * attnviz view kind "model": BERTviz's model view (registered in attnviz.views). Its handle for a11y.js:
 * thumbnails that open with Enter, tokens of the enlarged head that show their lines when focused, and a
 * text alternative (all heads of one layer) with a layer choice of its own.
 */
import { focusable, fire, focusToken, onActivate } from "../a11y.js";
import { drawBertviz, shownData } from "../bertviz.js";
import { averageHeads } from "../textalt.js";

export async function draw(root, data) {
  const params = await drawBertviz("model", data);
  return handle(params);
}

/** The model view's accessibility handle (see a11y.js), for a view drawn from `params`. */
export function handle(params) {
  let layerSelect = null; // the table's own layer choice
  return {
    params,
    title: "model view",
    enhance,
    table: {
      controls(container, update, root) {
        const layers = shownData(root, params).layers;
        layerSelect = document.createElement("select");
        layerSelect.setAttribute("aria-label", "表に示す Layer");
        layers.forEach((layer, seq) => layerSelect.add(new Option(`Layer ${layer}`, String(seq))));
        layerSelect.value = String(layers.length - 1);
        const label = document.createElement("label");
        label.append("表に示す層: ", layerSelect);
        container.appendChild(label);
        layerSelect.addEventListener("change", update);
      },
      current(root) {
        const data = shownData(root, params);
        const seq = +layerSelect.value;
        const heads = data.attn[seq].map((_, h) => h);
        return {
          caption: `Layer ${data.layers[seq]}・全 ${heads.length} ヘッドの平均`,
          left: data.left,
          right: data.right,
          rows: averageHeads(data.attn[seq], heads),
          layer: data.layers[seq] ?? seq,
        };
      },
    },
  };
}

function enhance(root) {
  root.querySelectorAll("#vis svg .attn_background").forEach((background) => {
    const rect = background.parentNode.querySelector(":scope > rect:last-of-type"); // BERTviz's click region
    if (!rect || rect === background) return;
    const [, , layer, head] = background.id.split("_"); // attn_background_<layer>_<head>
    focusable(rect, "button", `Layer ${layer}・Head ${head}（Enter で拡大表示）`);
    onActivate(rect, () => fire(rect, "click"));
  });
  root.querySelectorAll("#vis svg .detail .token").forEach(focusToken);
}
