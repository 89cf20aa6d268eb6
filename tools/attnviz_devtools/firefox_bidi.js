/* attnviz devtools: one Firefox (e.g. Debian's firefox-esr) driven over WebDriver BiDi by puppeteer-core,
 * with no geckodriver, for the engine tests (attnviz_devtools.engine_run.BidiFirefox).
 *
 *   node firefox_bidi.js <path to node_modules/puppeteer-core> <firefox binary>
 *
 * Reads one JSON command per line on stdin and answers each with one JSON line on stdout:
 *   {"op": "version"}                        -> {"ok": true, "value": "firefox/153.8.0"}
 *   {"op": "open", "url": ...}               -> waits for the load event
 *   {"op": "run", "script": ...}             -> the value of a JS expression (a promise is awaited)
 *   {"op": "type", "selector": ..., "text": ...}   clears the field, then types key by key
 *   {"op": "click", "selector": ...}
 * A failed command answers {"ok": false, "error": "..."}. End of input closes the browser. */
"use strict";

const path = require("node:path");
const readline = require("node:readline");

async function main() {
  const [moduleDir, executablePath] = process.argv.slice(2);
  const puppeteer = require(path.resolve(moduleDir));
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath,
    headless: true,
    // Keep Firefox off the network: no updates, telemetry, captive-portal or safe-browsing checks.
    extraPrefsFirefox: {
      "app.update.enabled": false,
      "network.captive-portal-service.enabled": false,
      "network.connectivity-service.enabled": false,
      "toolkit.telemetry.enabled": false,
      "browser.safebrowsing.malware.enabled": false,
      "browser.safebrowsing.phishing.enabled": false,
    },
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });

  const commands = {
    version: () => browser.version(),
    open: ({ url }) => page.goto(url, { waitUntil: "load", timeout: 60000 }).then(() => null),
    run: ({ script }) => page.evaluate(script),
    type: async ({ selector, text }) => {
      await page.$eval(selector, (el) => { el.value = ""; });
      await page.type(selector, text);
      return null;
    },
    click: ({ selector }) => page.click(selector).then(() => null),
  };

  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let answer;
    try {
      const command = JSON.parse(line);
      const value = await commands[command.op](command);
      answer = { ok: true, value: value === undefined ? null : value };
    } catch (error) {
      answer = { ok: false, error: String((error && error.stack) || error) };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  }
  await browser.close();
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ ok: false, error: String((error && error.stack) || error) }) + "\n");
  process.exit(1);
});
