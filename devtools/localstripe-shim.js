/*
 * Dev/test only: makes localstripe's fake Stripe.js behave like real Stripe.js
 * for the Payment Element flow the donation page uses (deferred intent:
 * elements.submit(), then the server creates the PaymentIntent, then
 * stripe.confirmPayment with redirect: "if_required"). Never serve it in
 * production. See docs/stripe-offline.md.
 *
 * Load it either as a Playwright init script (before any page script) or as a
 * <script> right after the fake Stripe.js.
 *
 * The fake cannot confirm an intent with a card itself, so confirmPayment
 * tokenises the card inputs and hands {intent id, card id} to something that
 * holds the secret key and runs payment_intents.update + confirm:
 *   window.__localstripeConfirm(intentId, cardId)  (Playwright expose_function), or
 *   POST window.__LOCALSTRIPE_CONFIRM_URL || "/_dev/localstripe/confirm"
 *        with JSON {payment_intent, card}.
 * Both answer {status, error_code, error_message}.
 */
(function () {
  "use strict";

  const SHIMMED = "__localstripeShim";
  const CARD_FIELDS = ["number", "exp_month", "exp_year", "cvc"];
  // Stripe.js's own wording, so pages and tests see what donors would see.
  const MESSAGES = {
    card_declined: "Your card was declined.",
    payment_intent_authentication_failure:
      "We are unable to authenticate your payment method. Please choose a " +
      "different payment method and try again.",
    submit_first:
      "elements.submit() must be called before stripe.confirmPayment(). Call " +
      "elements.submit() as soon as your customer presses pay, prior to any " +
      "asynchronous work. Integration guide: " +
      "https://stripe.com/docs/payments/accept-a-payment-deferred",
  };
  const INCOMPLETE = {
    number: ["incomplete_number", "Your card number is incomplete."],
    exp_month: ["incomplete_expiry", "Your card's expiration date is incomplete."],
    exp_year: ["incomplete_expiry", "Your card's expiration date is incomplete."],
    cvc: ["incomplete_cvc", "Your card's security code is incomplete."],
  };

  function cardError(code, fallbackMessage) {
    return {
      error: {type: "card_error", code: code, message: MESSAGES[code] || fallbackMessage},
    };
  }

  // The fake creates its <input>s only on mount and keeps them in _inputs.
  function fieldValues(fakeElement) {
    const inputs = (fakeElement && fakeElement._inputs) || {};
    const values = {};
    CARD_FIELDS.concat("postal_code").forEach(function (field) {
      values[field] = inputs[field] ? inputs[field].value.trim() : "";
    });
    return values;
  }

  async function askServerToConfirm(intentId, cardId) {
    if (typeof window.__localstripeConfirm === "function") {
      return window.__localstripeConfirm(intentId, cardId);
    }
    const response = await fetch(
      window.__LOCALSTRIPE_CONFIRM_URL || "/_dev/localstripe/confirm",
      {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({payment_intent: intentId, card: cardId}),
      },
    );
    if (!response.ok) {
      throw new Error("localstripe confirm bridge answered HTTP " + response.status);
    }
    return response.json();
  }

  function wrapElements(fakeElements) {
    // Real Stripe.js only confirms after a successful submit() that no card
    // edit has invalidated since; tracking it here makes tests catch pages
    // that skip submit().
    const state = {element: null, submitted: false};

    function create(type, options) {
      const element = fakeElements.create(type, options);
      const listeners = {};
      const emit = function (event, payload) {
        (listeners[event] || []).forEach(function (handler) { handler(payload); });
      };
      state.element = element;

      // The fake calls its change listeners with no argument; real Elements
      // pass {complete, empty, value}.
      element.listeners.change = [function () {
        state.submitted = false;
        const values = fieldValues(element);
        emit("change", {
          elementType: type,
          complete: CARD_FIELDS.every(function (f) { return values[f] !== ""; }),
          empty: Object.keys(values).every(function (f) { return values[f] === ""; }),
          value: {type: "card"},
        });
      }];
      element.on = function (event, handler) {
        (listeners[event] = listeners[event] || []).push(handler);
        return element;
      };
      // The fake never fires "ready"; real Elements fire it asynchronously
      // after mount, so handlers registered right after mount() still get it.
      const fakeMount = element.mount.bind(element);
      element.mount = function (target) {
        fakeMount(target);
        setTimeout(function () { emit("ready", {elementType: type}); }, 0);
      };
      return element;
    }

    return {
      [SHIMMED]: state,
      create: create,
      getElement: function () { return state.element; },
      update: function () {},  // amount/currency only matter to the real Stripe UI
      submit: async function () {
        const values = fieldValues(state.element);
        const missing = CARD_FIELDS.find(function (f) { return values[f] === ""; });
        state.submitted = !missing;
        if (missing) {
          const [code, message] = INCOMPLETE[missing];
          return {error: {type: "validation_error", code: code, message: message}};
        }
        return {};
      },
    };
  }

  function wrapInstance(fake) {
    async function confirmPayment(params) {
      const elements = params.elements;
      const clientSecret = params.clientSecret;
      const state = elements && elements[SHIMMED];
      if (!state || !state.submitted) {
        return {error: {type: "invalid_request_error", message: MESSAGES.submit_first}};
      }
      const match = /^(pi_\w+?)_secret_/.exec(clientSecret || "");
      if (!match) {
        throw new Error("stripe.confirmPayment(): invalid clientSecret");
      }
      const intentId = match[1];

      const tokenised = await fake.createToken(state.element);
      if (tokenised.error) {
        // localstripe rejects malformed details with a bare "Bad request".
        return cardError(tokenised.error.code, tokenised.error.message);
      }
      let result;
      try {
        result = await askServerToConfirm(intentId, tokenised.token.card.id);
      } catch (err) {
        return {error: {type: "api_connection_error", message: String(err && err.message || err)}};
      }
      if (result.error_message) {
        return cardError(result.error_code, result.error_message);
      }
      if (result.status !== "requires_action") {
        return {paymentIntent: {id: intentId, status: result.status}};
      }

      // The fake's confirmCardPayment ignores the card and only runs its 3-D
      // Secure modal, then POSTs /_authenticate: exactly the next action here.
      const authenticated = await fake.confirmCardPayment(clientSecret);
      if (authenticated.error) {
        return cardError(authenticated.error.code, authenticated.error.message);
      }
      const intent = authenticated.paymentIntent;
      if (intent.status === "requires_payment_method") {
        const failure = intent.last_payment_error || {};
        return cardError(failure.code || "payment_intent_authentication_failure", failure.message);
      }
      return {paymentIntent: {id: intent.id, status: intent.status}};
    }

    // handleCardSetup uses `this`, so copying the fake's methods keeps them working.
    return Object.assign({}, fake, {
      elements: function (options) {
        // Stripe.js on endive (the API version the server speaks) throws on the
        // removed option; refusing it here keeps the offline page honest.
        if (options && Object.prototype.hasOwnProperty.call(options, "paymentMethodTypes")) {
          throw new Error(
            "IntegrationError: Invalid value for elements(): paymentMethodTypes is no " +
            "longer supported; use allowedPaymentMethodTypes instead."
          );
        }
        return wrapElements(fake.elements());
      },
      confirmPayment: confirmPayment,
    });
  }

  function wrapConstructor(FakeStripe) {
    if (typeof FakeStripe !== "function" || FakeStripe[SHIMMED]) {
      return FakeStripe;
    }
    const Stripe = function (publishableKey, options) {
      const instance = FakeStripe(publishableKey, options);
      // Leave the real Stripe.js untouched if it is loaded instead of the fake.
      return typeof instance.confirmPayment === "function" ? instance : wrapInstance(instance);
    };
    Stripe[SHIMMED] = true;
    return Stripe;
  }

  if (typeof window.Stripe === "function") {
    // Loaded as a <script> after the fake Stripe.js.
    window.Stripe = wrapConstructor(window.Stripe);
  } else {
    // Init script: the fake does a bare `Stripe = ...` assignment later, which
    // goes through this setter.
    let current;
    Object.defineProperty(window, "Stripe", {
      configurable: true,
      enumerable: true,
      get: function () { return current; },
      set: function (value) { current = wrapConstructor(value); },
    });
  }
})();
