// stdin: {"inputs": [{"tokens": [...], "dims": [L, H, T, T], "data": [...]}]} -> stdout: each input's head
// labels by roles.js (layers × heads), for tests/test_bench.py's comparison with attnviz.core.heads.
import { readFileSync } from "node:fs";

import { headRoles } from "../../src/attnviz/web/playground/roles.js";

const { inputs } = JSON.parse(readFileSync(0, "utf8"));
const out = inputs.map(({ tokens, dims, data }) =>
  headRoles({ data: Float32Array.from(data), dims }, tokens).map((layer) => layer.map((r) => r.label)),
);
process.stdout.write(JSON.stringify(out));
