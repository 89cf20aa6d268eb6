// For tests/test_web_js.py: node tests/js/call.mjs <module file> <export name>
// stdin: a JSON list of argument lists; stdout: a JSON list of what the export returned for each.
import { pathToFileURL } from "node:url";

const [file, name] = process.argv.slice(2);
const module = await import(pathToFileURL(file).href);
let text = "";
for await (const chunk of process.stdin) text += chunk;
const results = [];
for (const args of JSON.parse(text)) results.push(await module[name](...args));
process.stdout.write(JSON.stringify(results));
