/* attnviz devtools: how the engine tests evaluate a JS expression through classic WebDriver (Selenium's
 * execute_async_script, WebKitWebDriver): the expression's value, a promise awaited, comes back as
 * {ok: true, value} or {ok: false, error}. attnviz_devtools.engine_sessions puts the expression in place
 * of the marker below. */
const done = arguments[arguments.length - 1];
Promise.resolve()
  .then(() => (
/* EXPRESSION */
  ))
  .then(
    (value) => done({ ok: true, value: value === undefined ? null : value }),
    (error) => done({ ok: false, error: String((error && error.stack) || error) }),
  );
