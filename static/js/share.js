// Share links: the phone's own share sheet (Web Share API) where it exists. The
// plain links (WhatsApp, Telegram, ...) work without this file, and the copy-link
// button is static/js/copy.js (data-copy). No inline script: the CSP forbids it.
(() => {
  "use strict";

  if (navigator.share) {
    for (const box of document.querySelectorAll(".share-native")) box.hidden = false;
  }

  document.addEventListener("click", async (event) => {
    const native = event.target.closest("button[data-native-share]");
    if (!native || !navigator.share) return;
    try {
      await navigator.share({ title: document.title, text: native.dataset.title, url: native.dataset.url });
    } catch (_) {
      // The donor closed the share sheet: nothing to do.
    }
  });
})();
