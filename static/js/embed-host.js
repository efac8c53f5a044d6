// For the page that embeds the widget: add after its <iframe>(s) with
//   <script src="https://<this site>/static/js/embed-host.js" async></script>
// It listens for the widget's height (static/js/embed.js) and sets the height of
// the <iframe> that sent it. Only messages from the widget's own site count
// (event.origin is the origin of this script's URL), and only for a frame on this
// page; anything else is ignored. The iframe's own width/height stay the fallback.
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || !script.src) return;
  const origin = new URL(script.src).origin;
  // Sanity bounds: the widget is never shorter than its documented minimum (the
  // iframe's own height) and a message claiming more than this is not the widget.
  const MAX_HEIGHT = 1200;

  window.addEventListener("message", (event) => {
    if (event.origin !== origin) return;
    const data = event.data;
    if (!data || data.type !== "fundraiser-widget:height") return;
    const height = Number(data.height);
    if (!Number.isFinite(height) || height <= 0 || height > MAX_HEIGHT) return;
    for (const frame of document.getElementsByTagName("iframe")) {
      if (frame.contentWindow !== event.source) continue;
      const floor = Number(frame.getAttribute("height")) || 0;
      frame.style.height = Math.max(floor, Math.ceil(height)) + "px";
    }
  });
})();
