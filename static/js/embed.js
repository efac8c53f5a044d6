// Inside the widget's frame: tell the host page how tall the widget wants to be,
// so static/js/embed-host.js there can size the <iframe> to fit. Sends only a
// number (nothing about the page or the visitor), to any host: the host checks
// that the message comes from this site's origin.
(() => {
  "use strict";
  if (window.parent === window) return;
  const box = document.querySelector("[data-embed-box]");
  if (!box) return;
  let last = 0;

  // The natural height, even while the frame is smaller and the words are cut
  // short (body.embed clips the middle so the Donate button always shows).
  function wanted() {
    const style = getComputedStyle(document.body);
    let height = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    for (const child of box.children) {
      const own = getComputedStyle(child);
      // The progress block may be clipped (scrollHeight is its full height); the
      // heading is clamped to two lines on purpose (its box is what shows).
      const shown = child.matches(".progress") ? child.scrollHeight : child.offsetHeight;
      height += shown + parseFloat(own.marginTop) + parseFloat(own.marginBottom);
    }
    return Math.ceil(height);
  }

  function send() {
    const height = wanted();
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "fundraiser-widget:height", height }, "*");
  }

  if (window.ResizeObserver) new ResizeObserver(send).observe(box);
  document.addEventListener("progress:update", send);
  window.addEventListener("resize", send);
  window.addEventListener("load", send);
  send();
})();
