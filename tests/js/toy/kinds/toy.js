// A toy view kind for tests/test_browser_view_kinds.py: registered there for one test build only, it proves that a
// view kind needs nothing but its registry entry and this module (and its CSS) to be rewritten, drawn
// lazily, named for assistive technology and given a text alternative.
const SVG = "http://www.w3.org/2000/svg";

export async function draw(root, data) {
  const weights = data.permille.map((row) => row.map((w) => w / 1000));
  const select = document.createElement("select"); // no name of its own: a11y.js gives it one
  select.id = "toy-rows";
  for (const name of ["all", "first"]) select.add(new Option(name, name));
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", "900"); // wider than the root: a scroll container
  svg.setAttribute("height", String(30 * data.tokens.length));
  data.tokens.forEach((token, i) => {
    const text = document.createElementNS(SVG, "text");
    text.setAttribute("x", "10");
    text.setAttribute("y", String(20 + 30 * i));
    text.textContent = token;
    svg.appendChild(text);
  });
  root.append(select, svg);
  return {
    params: data,
    title: "toy view",
    enhance(el) {
      el.querySelectorAll("svg text").forEach((text) => text.setAttribute("role", "button"));
    },
    table: {
      current: () => {
        const rows = select.value === "first" ? weights.slice(0, 1) : weights;
        return { caption: `Toy（${select.value}）`, left: data.tokens, right: data.tokens, rows, layer: select.value };
      },
    },
  };
}
