// The ticker overlay: polls its feed (conditional: unchanged messages are a 304)
// and, when they change, swaps them in at the end of a pass, while the track is
// off screen, so nothing jumps on the stream. The scrolling is CSS; this only
// sets its duration from the track's width, for the same speed however long.
(() => {
  "use strict";
  const POLL_MS = 5000;
  const PIXELS_PER_SECOND = 140;
  const body = document.body;
  const feedUrl = body.dataset.feedUrl;
  const band = document.querySelector("[data-ticker]");
  const track = document.querySelector("[data-track]");
  let etag = body.dataset.version ? `"${body.dataset.version}"` : null;
  let waiting = null; // the newest items fetched, not yet on screen

  function pace() {
    const seconds = Math.max(10, track.scrollWidth / PIXELS_PER_SECOND);
    track.style.setProperty("--ticker-seconds", `${seconds.toFixed(1)}s`);
  }

  function item(entry) {
    const li = document.createElement("li");
    li.className = "overlay-ticker-item";
    for (const [key, css] of [
      ["name", "overlay-ticker-name"],
      ["message", "overlay-ticker-message"],
    ]) {
      if (!entry[key]) continue;
      const span = document.createElement("span");
      span.className = css;
      span.textContent = entry[key];
      li.append(span);
    }
    return li;
  }

  function show(items) {
    track.replaceChildren(...items.map(item));
    band.hidden = items.length === 0;
    // Restart the pass from the right edge with the new width's pace.
    track.style.animation = "none";
    void track.offsetWidth;
    track.style.animation = "";
    pace();
  }

  function swapIfWaiting() {
    if (waiting === null) return;
    const items = waiting;
    waiting = null;
    show(items);
    body.dataset.shown = body.dataset.version;
  }

  async function poll() {
    const headers = etag ? { "If-None-Match": etag } : {};
    try {
      const response = await fetch(feedUrl, { headers, cache: "no-store", credentials: "omit" });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        const data = await response.json();
        body.dataset.version = data.version;
        waiting = data.items;
        // Nothing on screen (or a pass not yet started): nothing to wait for.
        if (band.hidden) swapIfWaiting();
      }
      body.dataset.polls = String(Number(body.dataset.polls || 0) + 1);
    } catch (_) {
      // Offline for a moment: keep scrolling what is there and ask again.
    }
    setTimeout(poll, POLL_MS);
  }

  track.addEventListener("animationiteration", swapIfWaiting);
  body.dataset.shown = body.dataset.version;
  pace();
  poll();
})();
