/* attnviz devtools: open the closed tab or dropdown a view sits in (sphinx-design tabs: an <input> +
 * <label> before the .sd-tab-content; dropdowns: <details>), so that the view has a box and can come
 * into view. Evaluated by Playwright with the view's root element as argument. */
(root => {
    for (let el = root; el; el = el.parentElement) {
        if (el.tagName === 'DETAILS' && !el.open) el.open = true;
        if (el.classList && el.classList.contains('sd-tab-content')) {
            const label = el.previousElementSibling;
            if (label && label.tagName === 'LABEL' && getComputedStyle(el).display === 'none') label.click();
        }
    }
})
