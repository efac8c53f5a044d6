// The match banner above the donate form (templates/_match_banner.html): shown only
// inside the match's window (the page may be cached from before or after it), it
// says what the amount chosen or typed becomes: "Your £4 becomes £8". The amount
// comes from donate.js's "donate:amount" event; words from static/js/i18n.js.
(() => {
  "use strict";
  const box = document.querySelector("[data-match]");
  if (!box) return;
  const starts = Date.parse(box.dataset.starts);
  const ends = Date.parse(box.dataset.ends);
  const room = Number(box.dataset.room);
  const currency = box.dataset.currency;
  const result = box.querySelector("[data-field=match-result]");
  let minor = 0;
  let ready = false;

  function update() {
    if (!ready) return;
    const { t, money } = window.fundraiserI18n;
    const now = Date.now();
    box.hidden = !(now >= starts && now < ends);
    // The matcher adds as much again, up to what is left of the cap.
    const extra = Math.max(0, Math.min(minor, room));
    result.textContent = minor > 0 && extra > 0
      ? t("match_result", { gift: money(minor, currency), total: money(minor + extra, currency) })
      : "";
  }

  // Listening from the start: donate.js announces the first amount as it loads.
  document.addEventListener("donate:amount", (event) => {
    minor = Number(event.detail.minor) || 0;
    update();
  });
  // This script sits above i18n.js in the page: the words are there once every
  // deferred script has run.
  document.addEventListener("DOMContentLoaded", () => {
    ready = true;
    update();
    setInterval(update, 15000);
  });
})();
