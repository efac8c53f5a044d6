// Draws the overview's charts with Chart.js (installed by npm, served by the
// dashboard only). Figures come from the JSON block the page embeds; no inline script.
(() => {
  "use strict";
  const dataEl = document.getElementById("dashboard-data");
  if (!dataEl || typeof window.Chart === "undefined") return;
  const data = JSON.parse(dataEl.textContent);
  const currency = data.currency.toUpperCase();
  const fmt = new Intl.NumberFormat("en-GB", { style: "currency", currency });
  const digits = fmt.resolvedOptions().maximumFractionDigits;
  const major = (minor) => minor / 10 ** digits;
  const money = (value) => fmt.format(value);
  const palette = ["#6b2fb3", "#e40303", "#ff8c00", "#008026", "#004dff", "#750787", "#b3261e", "#5a5a66"];

  const daily = data.daily;
  const dailyCanvas = document.getElementById("chart-daily");
  if (dailyCanvas) {
    new window.Chart(dailyCanvas, {
      data: {
        labels: daily.days,
        datasets: [
          { type: "bar", label: "Card", data: daily.online.map(major), backgroundColor: "#6b2fb3", stack: "day" },
          { type: "bar", label: "Offline", data: daily.offline.map(major), backgroundColor: "#008026", stack: "day" },
          { type: "bar", label: "Refunds and disputes", data: daily.refunds.map(major), backgroundColor: "#b3261e", stack: "day" },
          { type: "line", label: "Running total", data: daily.cumulative.map((v) => (v === null ? null : major(v))), borderColor: "#1b1b22", yAxisID: "total", tension: 0.1, pointRadius: 2 },
          // A team without a target of its own draws no target line.
          ...(daily.target ? [{ type: "line", label: "Target", data: daily.days.map(() => major(daily.target)), borderColor: "#ff8c00", borderDash: [6, 4], yAxisID: "total", pointRadius: 0 }] : []),
        ],
      },
      options: {
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true },
          y: { stacked: true, position: "left", title: { display: true, text: "per day" }, ticks: { callback: money } },
          total: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "total" }, ticks: { callback: money } },
        },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${money(c.parsed.y)}` } } },
      },
    });
  }

  function doughnut(id, rows) {
    const canvas = document.getElementById(id);
    const shown = rows.filter((r) => r.amount > 0);
    if (!canvas || !shown.length) return;
    new window.Chart(canvas, {
      type: "doughnut",
      data: {
        labels: shown.map((r) => r.label),
        datasets: [{ data: shown.map((r) => major(r.amount)), backgroundColor: shown.map((_, i) => palette[i % palette.length]) }],
      },
      options: {
        maintainAspectRatio: false,
        plugins: { tooltip: { callbacks: { label: (c) => `${c.label}: ${money(c.parsed)}` } } },
      },
    });
  }
  doughnut("chart-tiers", data.tiers);
  doughnut("chart-sources", data.sources);
})();
