// For tests/test_web_js.py: the playground's tokenize.js with the real @huggingface/tokenizers.
// node tests/js/tokenize-with.mjs <tokenizers.min.mjs> <tokenizer.json> <tokenizer_config.json>
// stdin: a JSON list of [a, b or null]; stdout: a JSON list of {ids, tokens, tokenTypeIds}.
import fs from "node:fs";
import { pathToFileURL } from "node:url";

import { tokenize } from "../../src/attnviz/web/playground/tokenize.js";

const [library, json, config] = process.argv.slice(2);
const { Tokenizer } = await import(pathToFileURL(library).href);
const read = (path) => JSON.parse(fs.readFileSync(path, "utf8"));
const tokenizer = new Tokenizer(read(json), read(config));
let text = "";
for await (const chunk of process.stdin) text += chunk;
process.stdout.write(JSON.stringify(JSON.parse(text).map(([a, b]) => tokenize(tokenizer, a, b))));
