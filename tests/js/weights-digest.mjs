// For tests/test_web_js.py: node tests/js/weights-digest.mjs <model.weights.<hash>.bin>
// stdout: JSON {whole, streamed}, each {name: [dims, sha256 of the decoded float32 bytes]}: the file decoded at
// once (decodeWeights), and pushed to a WeightsReader in pieces of uneven sizes, as a download arrives.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { decodeWeights, WeightsReader } from "../../src/attnviz/web/playground/weights.js";

const digests = (decoded) =>
  Object.fromEntries(
    decoded.map(({ name, dims, data }) => {
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      return [name, [dims, createHash("sha256").update(bytes).digest("hex")]];
    }),
  );

const file = new Uint8Array(readFileSync(process.argv[2]));
const reader = new WeightsReader(file.length);
const sizes = [3, 5, 1000, 65536, 7, 131072 + 13]; // the header split, then pieces across weights' edges
let decodedBeforeTheEnd = 0;
for (let at = 0, k = 0; at < file.length; k++) {
  const size = sizes[k % sizes.length];
  reader.push(file.slice(at, at + size));
  at += size;
  if (at < file.length) decodedBeforeTheEnd = reader.decoded.length;
}
process.stdout.write(
  JSON.stringify({ whole: digests(decodeWeights(file)), streamed: digests(reader.finish()), decodedBeforeTheEnd }),
);
