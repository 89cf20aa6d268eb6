// For tests/test_view_kinds.py: node tests/js/exports.mjs <module file>...
// Imports each module (with no DOM: a module must not touch the page when imported) and prints
// {file: [its export names]} as JSON.
import { pathToFileURL } from "node:url";

const out = {};
for (const file of process.argv.slice(2)) out[file] = Object.keys(await import(pathToFileURL(file).href)).sort();
process.stdout.write(JSON.stringify(out));
