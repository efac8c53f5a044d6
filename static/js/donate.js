// The donate form: amount choice, Stripe Payment Element (deferred intent),
// and the submit flow: elements.submit() -> server creates the intent ->
// stripe.confirmPayment(redirect: "if_required") -> thank-you page.
// Words and amounts in the page's language come from static/js/i18n.js.
(() => {
  "use strict";
  const form = document.getElementById("donate-form");
  if (!form) return;
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const currency = form.dataset.currency;
  const min = Number(form.dataset.min);
  const max = Number(form.dataset.max);
  const errorBox = document.getElementById("form-error");
  const button = document.getElementById("donate-button");
  const buttonAmount = button.querySelector("[data-field=button-amount]");
  const customBox = form.querySelector(".custom-amount");
  const customInput = document.getElementById("custom-amount");
  const coverBox = form.elements.namedItem("cover_fees");
  const feeBps = BigInt(form.dataset.feeBps || "0");
  const feeFixed = BigInt(form.dataset.feeFixed || "0");
  const { t, lang } = window.fundraiserI18n;
  const digits = window.fundraiserI18n.digits(currency);
  let stripe = null;
  let elements = null;
  let busy = false;

  const format = (minor) => window.fundraiserI18n.money(minor, currency);
  const formatTrim = (minor) => window.fundraiserI18n.money(minor, currency, true);

  // Mirrors fundraiser.services.fees.fee_cover in exact integers; only the server's figure is charged.
  function feeCover(minor) {
    const keep = 10000n - feeBps;
    const charge = ((BigInt(minor) + feeFixed) * 10000n + keep - 1n) / keep;
    return Number(charge - BigInt(minor));
  }

  function coverChosen() {
    return Boolean(coverBox && coverBox.checked);
  }

  // What the card will be charged for a gift of `minor`: the gift, plus the cover if ticked.
  function chargeFor(minor) {
    return minor + (coverChosen() ? feeCover(minor) : 0);
  }

  // The campaign page is the same for every visitor (so caches can share it);
  // the session's CSRF token is fetched once the donor starts, not baked in.
  let csrfToken = csrfMeta ? Promise.resolve(csrfMeta.content) : null;
  function csrf() {
    if (!csrfToken) {
      csrfToken = fetch(form.dataset.csrfUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      })
        .then((res) => (res.ok ? res.json() : Promise.reject(new Error(String(res.status)))))
        .then((data) => data.csrf_token)
        .catch(() => {
          csrfToken = null;
          throw new Error(t("start_failed"));
        });
    }
    return csrfToken;
  }

  // Mirrors fundraiser.money.parse_amount; the server checks again and decides.
  function parseMinor(text) {
    const cleaned = String(text || "").replace(/\s/g, "").replace(/^[£$€¥₽]/, "");
    const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(cleaned);
    if (!m) return null;
    const frac = (m[2] || "").padEnd(digits, "0").slice(0, digits);
    return Number(m[1]) * 10 ** digits + (digits ? Number(frac) : 0);
  }

  function chosenTier() {
    const checked = form.querySelector('input[name="tier"]:checked');
    return checked ? checked.value : "custom";
  }

  // Returns {minor} or {error} for the amount the donor chose.
  function chosenAmount() {
    const tier = chosenTier();
    if (tier !== "custom") return { minor: Number(tier) };
    if (!customInput.value.trim()) return { error: t("amount_missing") };
    const minor = parseMinor(customInput.value);
    if (minor === null) return { error: t("amount_format") };
    if (minor < min) return { error: t("amount_min", { amount: format(min) }) };
    if (minor > max) return { error: t("amount_max", { amount: format(max) }) };
    return { minor };
  }

  function decimalText(minor) {
    if (!digits) return String(minor);
    const units = Math.floor(minor / 10 ** digits);
    const rest = String(minor % 10 ** digits).padStart(digits, "0");
    return `${units}.${rest}`;
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function clearError() {
    errorBox.textContent = "";
    errorBox.hidden = true;
  }

  function setBusy(value) {
    busy = value;
    button.disabled = value;
    button.setAttribute("aria-busy", value ? "true" : "false");
  }

  function amountChanged() {
    customBox.hidden = chosenTier() !== "custom";
    const amount = chosenAmount();
    if (amount.minor && coverBox) {
      form.querySelector("[data-field=fee-cover]").textContent = format(feeCover(amount.minor));
      form.querySelector("[data-field=fee-gift]").textContent = formatTrim(amount.minor);
    }
    const charge = amount.minor ? chargeFor(amount.minor) : 0;
    buttonAmount.textContent = charge ? format(charge) : "";
    if (charge && elements) elements.update({ amount: charge });
    // For the match banner (match.js): the gift itself, without fee cover.
    document.dispatchEvent(new CustomEvent("donate:amount", { detail: { minor: amount.minor || 0 } }));
  }

  function setUpStripe() {
    if (typeof window.Stripe !== "function") {
      showError(t("card_form_failed"));
      return;
    }
    // Stripe's own words (card fields, its decline messages) in the page's language too.
    stripe = window.Stripe(form.dataset.publishableKey, { locale: lang });
    const amount = chosenAmount();
    elements = stripe.elements({
      mode: "payment",
      amount: amount.minor ? chargeFor(amount.minor) : min,
      currency,
      // Stripe.js on endive: `paymentMethodTypes` throws; this is its replacement.
      allowedPaymentMethodTypes: ["card"],
    });
    elements.create("payment").mount("#payment-element");
  }

  // The page is cached and the same for everyone, so a share link's ?src= (e.g.
  // share-whatsapp, fundraiser/services/campaigns/sharing.py) is read here, not
  // rendered into the form. A payday link's own source (in the form) wins.
  function sourceFromUrl() {
    const src = new URLSearchParams(window.location.search).get("src") || "";
    return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(src) ? src : "";
  }

  async function createIntent(minor) {
    const field = (name) => form.elements.namedItem(name);
    const body = {
      amount: decimalText(minor),
      display_name: field("display_name").value,
      name_public: field("name_public").checked,
      message: field("message").value,
      email: field("email").value,
      source: (field("source") && field("source").value) || sourceFromUrl(),
      team: field("team") ? field("team").value : "",
      cover_fees: coverChosen(),
      updates_consent: field("updates_consent") ? field("updates_consent").checked : false,
      website: field("website") ? field("website").value : "", // honeypot: people leave it empty
    };
    const token = await csrf();
    const res = await fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.error || t("something_wrong"));
    return data;
  }

  async function submit(event) {
    event.preventDefault();
    if (busy) return;
    clearError();
    const amount = chosenAmount();
    if (amount.error) {
      showError(amount.error);
      if (chosenTier() === "custom") customInput.focus();
      return;
    }
    if (!stripe) {
      showError(t("card_form_failed"));
      return;
    }
    setBusy(true);
    try {
      const { error: submitError } = await elements.submit();
      if (submitError) throw new Error(submitError.message);
      const intent = await createIntent(amount.minor);
      const { error } = await stripe.confirmPayment({
        elements,
        clientSecret: intent.client_secret,
        confirmParams: { return_url: intent.return_url },
        redirect: "if_required",
      });
      if (error) throw new Error(error.message || t("payment_failed"));
      window.location.assign(intent.return_url);
    } catch (err) {
      showError(err.message);
      setBusy(false);
    }
  }

  form.addEventListener("change", (e) => {
    if (e.target.name === "tier" || e.target === coverBox) amountChanged();
  });
  customInput.addEventListener("input", amountChanged);
  form.addEventListener("submit", submit);
  form.addEventListener("focusin", () => csrf().catch(() => {}), { once: true });
  amountChanged();
  setUpStripe();
})();
