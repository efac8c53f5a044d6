// Keeps every progress bar on the page current by polling its data-progress-url
// (/api/progress, or a team's), and runs the deadline countdown. No inline
// script: settings come from data-*. A section without a target has no bar.
// Words and amounts in the page's language come from static/js/i18n.js.
(() => {
  "use strict";
  const POLL_MS = 3000;
  const sections = Array.from(document.querySelectorAll("[data-progress]"));
  if (!sections.length) return;
  const groups = new Map(); // progress URL -> the sections showing it
  for (const section of sections) {
    const url = section.dataset.progressUrl;
    groups.set(url, [...(groups.get(url) || []), section]);
  }
  const { t, n, money, number, lang } = window.fundraiserI18n;

  // A lighter segment of `amount` starting at `from` percent; returns where it ends.
  function setSegment(el, from, amount, target) {
    const share = target > 0 ? Math.min(100 - from, (100 * amount) / target) : 0;
    el.style.left = from.toFixed(2) + "%";
    el.style.width = share.toFixed(2) + "%";
    return from + share;
  }

  function setBar(section, raised, target, pledged, matched) {
    const bar = section.querySelector("[role=progressbar]");
    if (!bar) return null;
    const pct = target > 0 ? Math.min(100, (100 * raised) / target) : 0;
    const fill = section.querySelector("[data-field=bar]");
    fill.style.width = pct.toFixed(2) + "%";
    fill.toggleAttribute("data-some", raised > 0); // a sliver even for 1p of £50,000
    // Matchers' promises, then pledges, as segments after the raised part, never as raised.
    let end = pct;
    const matchedBar = section.querySelector("[data-field=bar-matched]");
    if (matchedBar) {
      end = setSegment(matchedBar, end, matched, target);
      matchedBar.dataset.matched = String(matched);
    }
    const pledgedBar = section.querySelector("[data-field=bar-pledged]");
    if (pledgedBar) {
      setSegment(pledgedBar, end, pledged, target);
      pledgedBar.dataset.pledged = String(pledged);
    }
    bar.setAttribute("aria-valuenow", String(raised));
    bar.setAttribute("aria-valuemax", String(target));
    return bar;
  }

  function setText(section, field, text) {
    const el = section.querySelector(`[data-field=${field}]`);
    if (el) el.textContent = text;
  }

  // The organiser's label in the page's language, else the other one (marked with its lang).
  function label(next) {
    const ru = lang.toLowerCase().startsWith("ru");
    const own = (ru ? next.label_ru : next.label) || "";
    if (own) return { text: own, lang: null };
    return { text: (ru ? next.label : next.label_ru) || "", lang: ru ? "en" : "ru" };
  }

  // Matched, milestones and people (only /api/progress carries them).
  function renderImpact(section, p) {
    const box = section.querySelector("[data-impact]");
    if (!box || !p.milestones) return;
    const show = (field, visible) => {
      const el = box.querySelector(`[data-field=${field}]`);
      if (el) el.hidden = !visible;
    };
    show("matched-words", p.matched > 0);
    setText(box, "matched", money(p.matched || 0, p.currency, false));
    const ms = p.milestones;
    show("milestones-count", ms.total > 0);
    const count = box.querySelector("[data-field=milestones-count]");
    if (count && ms.total > 0) count.textContent = n("milestones_count", ms.total, { reached: number(ms.reached) });
    show("milestone-next", Boolean(ms.next));
    if (ms.next) {
      setText(box, "milestone-amount", money(ms.next.amount, p.currency, true));
      const words = label(ms.next);
      const el = box.querySelector("[data-field=milestone-label]");
      if (el) {
        el.textContent = words.text;
        if (words.lang) el.setAttribute("lang", words.lang);
        else el.removeAttribute("lang");
      }
    }
    show("people", p.people !== null && p.people !== undefined);
    const people = box.querySelector("[data-field=people]");
    if (people && p.people !== null && p.people !== undefined) people.textContent = n("people", p.people);
  }

  function render(group, p) {
    const raised = money(p.raised, p.currency, false);
    const target = p.target ? money(p.target, p.currency, true) : "";
    const pledged = money(p.pledged || 0, p.currency, false);
    const summary = target
      ? n("summary_of", p.donations, { raised, target })
      : n("summary", p.donations, { raised });
    for (const section of group) {
      const bar = setBar(section, p.raised, p.target, p.pledged || 0, p.matched || 0);
      if (bar) {
        bar.setAttribute(
          "aria-valuetext",
          p.pledged ? t("raised_of_pledged", { raised, target, pledged }) : t("raised_of", { raised, target }),
        );
      }
      const pledgedWords = section.querySelector("[data-field=pledged-words]");
      if (pledgedWords) {
        pledgedWords.hidden = !p.pledged;
        setText(section, "pledged", pledged);
      }
      setText(section, "raised", raised);
      setText(section, "target", target);
      setText(section, "summary", summary);
      renderImpact(section, p);
    }
    document.dispatchEvent(new CustomEvent("progress:update", { detail: p }));
  }

  async function pollOne(url, group) {
    try {
      // "no-cache" revalidates with the ETag, so an unchanged total costs a 304.
      const res = await fetch(url, { cache: "no-cache", headers: { Accept: "application/json" } });
      if (res.ok) render(group, await res.json());
    } catch (_) {
      // Offline for a moment: keep the last figures and try again.
    }
  }

  function poll() {
    return Promise.all([...groups].map(([url, group]) => pollOne(url, group)));
  }

  function countdown() {
    for (const el of document.querySelectorAll("[data-countdown]")) {
      const ms = Date.parse(el.dataset.countdown) - Date.now();
      if (Number.isNaN(ms)) continue;
      if (ms <= 0) {
        el.textContent = t("deadline_passed");
        continue;
      }
      const days = Math.floor(ms / 86400000);
      const hours = Math.floor((ms % 86400000) / 3600000);
      const mins = Math.floor((ms % 3600000) / 60000);
      const time = days > 0
        ? `${n("days", days)} ${n("hours", hours)}`
        : `${n("hours", hours)} ${n("minutes", mins)}`;
      el.textContent = t("time_left", { time });
    }
  }

  for (const section of sections) {
    const bar = section.querySelector("[role=progressbar]");
    const pledgedBar = section.querySelector("[data-field=bar-pledged]");
    const matchedBar = section.querySelector("[data-field=bar-matched]");
    if (bar) {
      setBar(
        section,
        Number(bar.getAttribute("aria-valuenow")),
        Number(bar.getAttribute("aria-valuemax")),
        pledgedBar ? Number(pledgedBar.dataset.pledged) : 0,
        matchedBar ? Number(matchedBar.dataset.matched) : 0,
      );
    }
  }
  countdown();
  setInterval(countdown, 30000);
  setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") poll();
  });
  window.fundraiserProgress = { poll, money };
})();
