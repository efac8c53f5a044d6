// The pledge form: shows the custom amount and date inputs only when chosen,
// and names the amount on the button. The form works without it.
(() => {
  "use strict";
  const form = document.getElementById("pledge-form");
  if (!form) return;
  const currency = form.dataset.currency;
  const { money } = window.fundraiserI18n; // the page's language (static/js/i18n.js)
  const digits = window.fundraiserI18n.digits(currency);
  const custom = form.querySelector(".pledge-custom");
  const customInput = document.getElementById("pledge-custom-amount");
  const other = form.querySelector(".payday-other");
  const buttonAmount = form.querySelector("[data-field=pledge-amount]");

  const checked = (name) => {
    const input = form.querySelector(`input[name="${name}"]:checked`);
    return input ? input.value : "";
  };

  function minorOf(tier) {
    if (tier !== "custom") return Number(tier);
    const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(customInput.value.replace(/\s/g, "").replace(/^[£$€¥₽]/, ""));
    if (!m) return null;
    return Number(m[1]) * 10 ** digits + (digits ? Number((m[2] || "").padEnd(digits, "0").slice(0, digits)) : 0);
  }

  function update() {
    const tier = checked("tier");
    custom.hidden = tier !== "custom";
    other.hidden = checked("payday") !== "other";
    const minor = minorOf(tier);
    buttonAmount.textContent = minor ? money(minor, currency) : "";
  }

  // On the shared (cached) campaign page the form has no CSRF token of its own:
  // fetch this session's token first, then send the form as usual.
  const tokenInput = form.querySelector('input[name="csrf_token"]');
  form.addEventListener("submit", async (event) => {
    if (tokenInput.value) return;
    event.preventDefault();
    try {
      const res = await fetch(form.dataset.csrfUrl, { credentials: "same-origin", cache: "no-store" });
      tokenInput.value = (await res.json()).csrf_token;
    } catch (_) {
      window.location.assign(form.action); // the /pledge page has its own token
      return;
    }
    form.submit();
  });

  form.addEventListener("change", update);
  customInput.addEventListener("input", update);
  update();
})();
