// For tests/test_web_js.py: node tests/js/weights-digest.mjs <model.weights.<hash>.bin>
// stdout: JSON {name: [dims, sha256 of the decoded float32 bytes]} of every weight weights.js decodes.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { decodeWeights } from "../../src/attnviz/web/playground/weights.js";

const out = {};
for (const { name, dims, data } of decodeWeights(new Uint8Array(readFileSync(process.argv[2])))) {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  out[name] = [dims, createHash("sha256").update(bytes).digest("hex")];
}
process.stdout.write(JSON.stringify(out));
