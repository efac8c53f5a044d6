// Share links: the phone's own share sheet (Web Share API) where it exists, and
// a copy-link button. The plain links (WhatsApp, Telegram, ...) work without this
// file; it only adds to them. No inline script: the CSP forbids it.
(() => {
  "use strict";
  const t = (key) => (window.fundraiserI18n ? window.fundraiserI18n.t(key) : "");

  if (navigator.share) {
    for (const box of document.querySelectorAll(".share-native")) box.hidden = false;
  }

  async function copy(field) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(field.value);
        return true;
      } catch (_) {
        // Refused (no permission, page not focused): fall back to selecting it.
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
    const native = event.target.closest("button[data-native-share]");
    if (native && navigator.share) {
      try {
        await navigator.share({ title: document.title, text: native.dataset.title, url: native.dataset.url });
      } catch (_) {
        // The donor closed the share sheet: nothing to do.
      }
      return;
    }
    const button = event.target.closest("button[data-share-copy]");
    if (!button) return;
    const field = document.getElementById(button.dataset.shareCopy);
    if (!field) return;
    const copied = await copy(field);
    const status = button.parentElement.querySelector(".copy-status");
    if (status) status.textContent = copied ? t("link_copied") : t("link_selected");
    button.dataset.copied = copied ? "yes" : "no";
  });
})();
