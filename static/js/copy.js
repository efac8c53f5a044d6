// Copy buttons: <button data-copy="ID"> copies the text of the field with that id
// and says so in the status next to it. No inline script (the CSP forbids it).
(() => {
  "use strict";

  async function copy(field) {
    const text = field.value;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (_) {
        // Refused (no permission, not focused): fall back to selecting it.
      }
    }
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (_) {
      return false;
    }
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    const status = button.parentElement.querySelector(".copy-status");
    const copied = await copy(field);
    if (!copied) {
      field.focus();
      field.select();
    }
    if (status) status.textContent = copied ? "Copied." : "Selected: press Ctrl+C (⌘C) to copy.";
    button.dataset.copied = copied ? "yes" : "no";
  });
})();
