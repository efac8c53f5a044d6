// The thank-you page: shows "confirming" until the webhook has counted the
// payment (polling the donation's status), then the thanks and the new total.
(() => {
  "use strict";
  const box = document.querySelector("[data-thanks]");
  if (!box) return;
  const POLL_MS = 1500;
  const GIVE_UP_MS = 120000;
  const started = Date.now();
  // The donation states come from the server (data-succeeded, data-failed), not copies here.
  const SUCCEEDED = box.dataset.succeeded;
  const FAILED = box.dataset.failed;

  function show(state) {
    for (const el of box.querySelectorAll("[data-state]")) el.hidden = el.dataset.state !== state;
  }

  async function check() {
    try {
      const res = await fetch(box.dataset.statusUrl, { cache: "no-store" });
      if (res.ok) {
        const data = await res.json();
        if (data.status === SUCCEEDED) {
          show(SUCCEEDED);
          if (window.fundraiserProgress) window.fundraiserProgress.poll();
          return;
        }
        if (data.status === FAILED) {
          if (data.failure_message) box.querySelector("[data-field=failure]").textContent = data.failure_message;
          show(FAILED);
          return;
        }
      }
    } catch (_) {
      // A network blip: try again below.
    }
    if (Date.now() - started < GIVE_UP_MS) setTimeout(check, POLL_MS);
  }

  check();
})();
