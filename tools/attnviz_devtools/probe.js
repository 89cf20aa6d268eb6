/* attnviz devtools: the JS-error recorder of the engine tests (attnviz_devtools.engine_run).
 * The test server puts this file, inline, first in the <head> of every page it serves, so that it sees
 * what happens while the page loads in any engine, whatever drives it (Playwright, Selenium with
 * WebKitWebDriver, puppeteer over WebDriver BiDi): uncaught errors, failed script/style/image loads,
 * unhandled promise rejections and console.error calls. They collect in window.__attnvizErrors. */
(function () {
  "use strict";
  var errors = [];
  window.__attnvizErrors = errors;

  function describe(value) {
    if (value instanceof Error) { return value.stack ? value.name + ": " + value.message + "\n" + value.stack : String(value); }
    if (typeof value === "object" && value !== null) {
      try { return JSON.stringify(value); } catch (e) { return String(value); }
    }
    return String(value);
  }

  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target !== window && target.nodeType === 1) {  // a <script>, <link> or <img> that failed to load
      // a <link rel="next"> that Firefox prefetched is no part of the page (a 404 is recorded by the server anyway)
      if (target.tagName === "LINK" && !/\bstylesheet\b/.test(target.rel)) return;
      errors.push("failed to load <" + target.tagName.toLowerCase() + "> " + (target.src || target.href || ""));
      return;
    }
    var where = event.filename ? " (" + event.filename + ":" + event.lineno + ")" : "";
    errors.push("uncaught " + (event.error ? describe(event.error) : event.message) + where);
  }, true);

  window.addEventListener("unhandledrejection", function (event) {
    errors.push("unhandled rejection: " + describe(event.reason));
  });

  var original = console.error;
  console.error = function () {
    errors.push("console.error: " + Array.prototype.map.call(arguments, describe).join(" "));
    return original.apply(console, arguments);
  };
})();
