// The page's language for its scripts: the words (rendered by the server from
// the same catalogue as the page, into <html data-words>) and numbers and money
// formatted for <html lang> with Intl. Loaded before the other scripts.
(() => {
  "use strict";
  const lang = document.documentElement.lang || "en-GB";
  let words = {};
  try {
    words = JSON.parse(document.documentElement.dataset.words || "{}");
  } catch (_) {
    // No words: every message falls back to its key below.
  }
  const plurals = new Intl.PluralRules(lang);
  const numbers = new Intl.NumberFormat(lang);
  const moneyFormats = new Map();

  // "%(name)s" placeholders, as in the server's catalogue.
  const fill = (text, values) =>
    text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));

  function t(key, values = {}) {
    const text = words[key];
    return fill(typeof text === "string" ? text : key, values);
  }

  // A plural message: its form for `count` by the language's rules (Russian has
  // one/few/many), with %(num)s as the formatted count.
  function n(key, count, values = {}) {
    const forms = words[key] || {};
    const text = forms[plurals.select(count)] || forms.other || forms.many || key;
    return fill(text, { num: numbers.format(count), ...values });
  }

  function moneyFormat(currency, whole) {
    const key = `${currency}:${whole}`;
    if (!moneyFormats.has(key)) {
      const options = { style: "currency", currency: currency.toUpperCase() };
      if (whole) options.maximumFractionDigits = 0;
      moneyFormats.set(key, new Intl.NumberFormat(lang, options));
    }
    return moneyFormats.get(key);
  }

  // Minor units of `currency` (the currency's own decimals, like fundraiser/money.py).
  function digits(currency) {
    return moneyFormat(currency, false).resolvedOptions().maximumFractionDigits;
  }

  // 450 GBP -> "£4.50" (en-GB) or "4,50 £" (ru); with trim, a whole amount drops its decimals.
  function money(minor, currency, trim = false) {
    const value = minor / 10 ** digits(currency);
    return moneyFormat(currency, trim && Number.isInteger(value)).format(value);
  }

  window.fundraiserI18n = { lang, t, n, money, digits, number: (value) => numbers.format(value) };
})();
