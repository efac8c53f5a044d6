// "Copy link" buttons on the payday links page: copies the address in the
// input a button names (data-copy), and says so. No inline script (the CSP).
(() => {
  "use strict";
  function copied(button, text) {
    const label = button.dataset.label || (button.dataset.label = button.textContent);
    button.textContent = text;
    window.setTimeout(() => { button.textContent = label; }, 2000);
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(
        () => copied(button, "Copied"),
        () => copied(button, "Press Ctrl+C"),
      );
    } else {
      // Plain http (a laptop on the venue's network): the older way still works.
      copied(button, document.execCommand("copy") ? "Copied" : "Press Ctrl+C");
    }
  });
})();
