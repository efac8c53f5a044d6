// Copy buttons: <button data-copy="ID"> copies the text of the field with that id
// and says so in the status next to it. No inline script (the CSP forbids it).
// On public pages the status is in the page's language (static/js/i18n.js, loaded
// first); the dashboard (English, no i18n.js) gets the English.
(() => {
  "use strict";
  const say = (key, english) => {
    const words = window.fundraiserI18n ? window.fundraiserI18n.t(key) : "";
    return words && words !== key ? words : english;
  };

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
    if (status) {
      status.textContent = copied
        ? say("link_copied", "Copied.")
        : say("link_selected", "Selected: press Ctrl+C (⌘C) to copy.");
    }
    button.dataset.copied = copied ? "yes" : "no";
  });
})();
