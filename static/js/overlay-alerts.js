// The alerts overlay: polls the feed (conditional: an unchanged feed is a 304)
// and shows each gift once, one at a time, a few seconds each.
// On load it starts from the newest alert (a reload replays nothing), unless
// this browser source saw an alert less than 10 minutes ago: then it plays
// what it missed since, in order. The last id played is kept in localStorage.
// A gift that reached milestones is followed by one celebration per milestone
// (the feed lists them on the gift; each gift, so each celebration, plays once).
(() => {
  "use strict";
  const POLL_MS = 1000;
  const SHOW_MS = 4000;
  const GAP_MS = 500;
  const RESUME_MS = 10 * 60 * 1000;
  const feedUrl = document.body.dataset.feedUrl;
  const box = document.querySelector("[data-alert]");
  const { money, t, lang } = window.fundraiserI18n;
  const russian = lang.toLowerCase().startsWith("ru");
  const storeKey = "fundraiser-overlay-alerts:" + feedUrl;
  const queue = [];
  let lastId = null; // the highest id fetched (queued or played)
  let playedId = null; // the highest id shown: what a reopened overlay resumes after
  let etag = null;
  let playing = false;

  function remembered() {
    try {
      const saved = JSON.parse(localStorage.getItem(storeKey) || "null");
      if (saved && Number.isInteger(saved.id) && Date.now() - saved.at < RESUME_MS) return saved.id;
    } catch (_) {
      // Storage off or garbled: start from the newest, as a fresh overlay does.
    }
    return null;
  }

  function remember(id) {
    try {
      localStorage.setItem(storeKey, JSON.stringify({ id, at: Date.now() }));
    } catch (_) {
      // Without storage a reopened overlay simply starts from the newest.
    }
  }

  function field(name, text) {
    const el = box.querySelector(`[data-field=${name}]`);
    el.textContent = text || "";
    el.hidden = !text;
  }

  // The organiser's label in the overlay's language, else the other one.
  function label(milestone) {
    const own = russian ? milestone.label_ru : milestone.label;
    return own || (russian ? milestone.label : milestone.label_ru) || "";
  }

  function append(name, value) {
    const list = document.body.dataset[name];
    document.body.dataset[name] = list ? `${list},${value}` : String(value);
  }

  function playNext() {
    if (playing || !queue.length) return;
    playing = true;
    const alert = queue.shift();
    if (alert.kind === "milestone") {
      field("amount", money(alert.amount, alert.currency, true));
      field("tier", t("milestone_reached"));
      field("name", label(alert));
      field("message", "");
      box.dataset.kind = "milestone";
      // For the operator's devtools and the tests: milestone amounts celebrated, in order.
      append("celebrated", alert.amount);
    } else {
      field("amount", money(alert.amount, alert.currency));
      field("tier", alert.tier);
      field("name", alert.name);
      field("message", alert.message);
      box.dataset.kind = "gift";
      box.dataset.alertId = String(alert.id);
      playedId = alert.id;
      remember(playedId);
      // What this page has played, in order: for the operator's devtools and the tests.
      append("played", alert.id);
    }
    box.hidden = false;
    setTimeout(() => {
      box.hidden = true;
      setTimeout(() => {
        playing = false;
        playNext();
      }, GAP_MS);
    }, SHOW_MS);
  }

  async function poll() {
    const url = lastId === null ? feedUrl : `${feedUrl}?after=${lastId}`;
    const headers = etag ? { "If-None-Match": etag } : {};
    try {
      const response = await fetch(url, { headers, cache: "no-store", credentials: "omit" });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        const body = await response.json();
        if (lastId === null) {
          lastId = playedId = body.newest; // a fresh start: nothing old is replayed
        } else {
          for (const alert of body.alerts) {
            if (alert.id > lastId) {
              queue.push(alert);
              for (const milestone of alert.milestones || []) {
                queue.push({ ...milestone, kind: "milestone", currency: alert.currency });
              }
              lastId = alert.id;
            }
          }
          playNext();
        }
      }
      // Seen up to playedId as of now: the 10 minutes count from the last contact.
      if (response.ok || response.status === 304) remember(playedId);
      document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
    } catch (_) {
      // Offline for a moment: the next poll asks again from the same id.
    }
    setTimeout(poll, POLL_MS);
  }

  lastId = playedId = remembered();
  poll();
})();
