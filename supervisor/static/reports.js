/* Supervisor panel, the day: numbers per teller, charts (Chart.js), staffing advice, the printable
 * day-end report and the day close (日結). Loaded after panel.js; plugs in through its hooks.
 *
 * The numbers and charts are read from the report API when the tab is shown, when the day changes,
 * and a moment after the hall changes (served, rated, ...), while the tab is visible.
 */
(function () {
  "use strict";
  const sv = window.counterflowSupervisor;
  const { cf, page, h, t, $ } = sv;
  const Chart = window.Chart;
  // Events after which the day's numbers are worth reading again.
  const CHANGES = ["ticket.issued", "ticket.completed", "ticket.no_show", "ticket.transferred", "ticket.cancelled",
                   "rating.recorded", "counter.paused", "counter.resumed", "day.closed"];

  const state = { data: null, staffing: null, loaded: false, stale: true, timer: null, loading: null };
  const charts = sv.charts;

  // ---------------------------------------------------------------- formatting
  const intl = () => page.languages[cf.i18n.locale].intl;
  const percent = (share) => (share === null || share === undefined ? "–"
    : new Intl.NumberFormat(intl(), { style: "percent", maximumFractionDigits: 0 }).format(share));
  const number = (value, digits = 1) => (value === null || value === undefined ? "–"
    : new Intl.NumberFormat(intl(), { maximumFractionDigits: digits }).format(value));
  function minSec(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    const s = Math.round(seconds);
    return t("seconds_min", { min: Math.floor(s / 60), s: s % 60 });
  }
  const score = (sat) => (sat && sat.mean !== null ? t("score", { mean: number(sat.mean, 2), n: sat.rated }) : "–");
  const day = () => $("sv-day").value || page.today;
  const withQuery = (path, params) => path + (path.includes("?") ? "&" : "?") + new URLSearchParams(params);

  // ---------------------------------------------------------------- loading
  async function load() {
    if (!sv.state.auth) return;
    const params = { date: day() };
    const api = page.api;
    state.stale = false;
    const loading = Promise.all([
      sv.api("GET", withQuery(api.day_report, params)),
      sv.api("GET", withQuery(api.chart_hourly, params)),
      sv.api("GET", withQuery(api.chart_wait, params)),
      sv.api("GET", withQuery(api.chart_satisfaction, params)),
    ]);
    state.loading = loading;
    try {
      const [report, hourly, wait, satisfaction] = await loading;
      if (state.loading !== loading) return; // a newer load is on its way
      state.data = { report, hourly, wait, satisfaction };
      state.loaded = true;
      render();
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err; // a bug: let it show in the console
      if (sv.state.auth) sv.refuseError(err);
    }
  }

  function refreshSoon() {
    state.stale = true;
    if (sv.state.tab !== "reports") return;
    clearTimeout(state.timer);
    state.timer = setTimeout(load, page.refresh_debounce_ms);
  }

  // The branch's business day now (the page may have stayed open since yesterday).
  function branchToday() {
    const parts = new Intl.DateTimeFormat("en-CA", { timeZone: page.branch.timezone, year: "numeric",
                                                      month: "2-digit", day: "2-digit" }).formatToParts(new Date());
    const get = (type) => parts.find((p) => p.type === type).value;
    return `${get("year")}-${get("month")}-${get("day")}`;
  }
  let dayChosen = false; // once the supervisor picks a day, it stays picked
  $("sv-day").addEventListener("change", () => {
    dayChosen = true;
  });

  sv.hooks.tab.push((tab) => {
    if (tab !== "reports") return;
    const today = branchToday();
    $("sv-day").max = today;
    if (!dayChosen && $("sv-day").value !== today) {
      $("sv-day").value = today;
      state.stale = true;
    }
    if (state.stale || !state.loaded) load();
    if (!state.staffing) loadStaffing();
    else drawStaffing();
  });
  sv.hooks.snapshot.push(refreshSoon);
  sv.hooks.event.push((message) => {
    if (CHANGES.includes(message.event)) refreshSoon();
  });
  sv.hooks.locale.push(() => {
    render();
    renderStaffing();
  });
  sv.hooks.signedIn.push(() => {
    state.staffing = null;
    state.stale = true;
  });
  $("sv-day").addEventListener("change", load);
  $("sv-refresh").addEventListener("click", load);

  // ---------------------------------------------------------------- the day in numbers
  function render() {
    if (!state.data) return;
    renderDayState();
    renderNumbers();
    renderTellers();
    if (sv.state.tab === "reports") drawCharts();
  }

  function renderDayState() {
    const close = state.data.report.day_close;
    const el = $("sv-day-state");
    el.className = "sv-day-state" + (close ? (close.balanced ? " is-balanced" : " is-unbalanced") : "");
    el.textContent = close
      ? t(close.balanced ? "day_closed_balanced" : "day_closed_unbalanced",
        { day: close.business_day, name: sv.who(close.closed_by), time: sv.clock(close.closed_at) })
      : t("day_open");
    $("sv-close-day").disabled = !!close;
  }

  function renderNumbers() {
    const totals = state.data.report.totals;
    const items = [
      ["num.issued", number(totals.issued, 0), "issued"],
      ["num.served", number(totals.done, 0), "served"],
      ["num.no_show", number(totals.no_show, 0), "no_show"],
      ["num.open", number(totals.open || 0, 0), "open"],
      ["num.abandoned", number(totals.abandoned || 0, 0), "abandoned"],
      ["num.wait_mean", minSec(totals.wait.mean_s), "wait"],
      ["num.within_target", percent(totals.within_target.share), "within"],
      ["num.satisfaction", totals.satisfaction.mean === null ? "–" : number(totals.satisfaction.mean, 2), "satisfaction",
       t("num.rated", { n: totals.satisfaction.rated })],
    ];
    $("sv-numbers").replaceChildren(
      ...items.map(([key, value, id, sub]) =>
        h("div", { class: "sv-number", dataset: { number: id } },
          h("dt", {}, t(key)),
          h("dd", {}, h("span", { class: "sv-number-value" }, value), sub ? h("span", { class: "sv-muted" }, sub) : null)),
      ),
    );
  }

  function renderTellers() {
    const rows = state.data.report.tellers.filter((r) => r.teller);
    const body = $("sv-tellers").tBodies[0];
    if (!rows.length) {
      body.replaceChildren(h("tr", {}, h("td", { colspan: "5", class: "sv-empty" }, t("no_tellers"))));
      return;
    }
    body.replaceChildren(
      ...rows.map((r) =>
        h("tr", { dataset: { teller: r.teller } },
          h("th", { scope: "row" }, r.name || r.teller),
          h("td", { class: "sv-num sv-served" }, number(r.done, 0)),
          h("td", { class: "sv-num" }, minSec(r.service_time.mean_s)),
          h("td", { class: "sv-num sv-satisfaction" }, score(r.satisfaction)),
          h("td", { class: "sv-num" }, r.pause && r.pause.total_s ? sv.duration(r.pause.total_s) : "–")),
      ),
    );
  }

  // ---------------------------------------------------------------- charts
  const css = getComputedStyle(document.documentElement);
  const colour = (name) => css.getPropertyValue(name).trim();
  const PALETTE = { arrivals: "#4cc9f0", served: "#7ddc8b", waiting: "#ffd166", within: "#7ddc8b", over: "#ff6b6b",
                    score: "#ffd166", needed: "#4cc9f0", available: "#ff9f6e" };
  if (Chart) {
    Chart.defaults.color = colour("--cf-muted") || "#b7c2d3";
    Chart.defaults.borderColor = "rgba(183, 194, 211, 0.18)";
    Chart.defaults.font.family = colour("--cf-font") || "sans-serif";
    Chart.defaults.font.size = 13;
    Chart.defaults.animation = false; // redrawn on every change; motion would only distract
  }

  function draw(name, config) {
    if (!Chart) return;
    const existing = charts[name];
    if (existing) {
      existing.data = config.data;
      existing.options = config.options;
      existing.update();
      return;
    }
    charts[name] = new Chart($("sv-chart-" + name), config);
  }

  const axis = (titleKey, extra) => Object.assign({ title: { display: true, text: t(titleKey) }, beginAtZero: true }, extra);
  const baseOptions = (scales, extra) => Object.assign({
    responsive: true, maintainAspectRatio: false, scales,
    plugins: { legend: { position: "bottom", labels: { boxWidth: 14 } } },
  }, extra);
  const hourLabel = (hour) => t("hour_label", { h: hour });

  function note(name, text) {
    $("sv-chart-" + name + "-note").textContent = text || "";
  }

  function drawCharts() {
    const { hourly, wait, satisfaction } = state.data;
    const hours = hourly.hours;
    draw("hourly", {
      type: "bar",
      data: {
        labels: hours.map((r) => r.label || hourLabel(r.hour)),
        datasets: [
          { type: "bar", label: t("series.arrivals"), data: hours.map((r) => r.arrivals), backgroundColor: PALETTE.arrivals },
          { type: "bar", label: t("series.served"), data: hours.map((r) => r.served), backgroundColor: PALETTE.served },
          { type: "line", label: t("series.waiting_avg"), data: hours.map((r) => r.waiting_avg), borderColor: PALETTE.waiting,
            backgroundColor: PALETTE.waiting, tension: 0.25 },
        ],
      },
      options: baseOptions({ x: { title: { display: true, text: t("axis.hour") } },
                             y: axis("axis.customers", { ticks: { precision: 0 } }) }),
    });
    note("hourly", hours.length ? "" : t("chart_empty"));

    const bins = wait.bins;
    // One target for all services is said once; different ones per service.
    const targetMins = Object.entries(wait.targets_min);
    const targets = new Set(targetMins.map(([, min]) => min)).size === 1
      ? t("minutes", { n: targetMins[0][1] })
      : targetMins.map(([code, min]) => `${code} ${t("minutes", { n: min })}`).join(", ");
    draw("wait", {
      type: "bar",
      data: {
        labels: bins.map((b) => (b.to_min === null ? t("bin_open", { from: b.from_min }) : t("bin_label", { from: b.from_min, to: b.to_min }))),
        datasets: [
          { label: t("series.within"), data: bins.map((b) => b.within_target), backgroundColor: PALETTE.within, stack: "w" },
          { label: t("series.over"), data: bins.map((b) => b.over_target), backgroundColor: PALETTE.over, stack: "w" },
        ],
      },
      options: baseOptions({ x: { stacked: true, title: { display: true, text: t("axis.wait_min") } },
                             y: axis("axis.customers", { stacked: true, ticks: { precision: 0 } }) }),
    });
    note("wait", wait.total ? t("within_share", { share: percent(wait.within_target_share), targets }) : t("chart_empty"));

    const tellers = satisfaction.tellers.filter((r) => r.teller);
    draw("satisfaction", {
      type: "bar",
      data: {
        labels: tellers.map((r) => r.name || r.teller),
        datasets: [{ label: t("series.mean_score"), data: tellers.map((r) => r.mean), backgroundColor: PALETTE.score }],
      },
      options: baseOptions({ y: axis("axis.score", { max: 5, ticks: { stepSize: 1 } }) }, {
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { afterLabel: (ctx) => t("num.rated", { n: tellers[ctx.dataIndex].rated }) } },
        },
      }),
    });
    note("satisfaction", tellers.some((r) => r.rated) ? "" : t("chart_empty"));
  }

  // ---------------------------------------------------------------- staffing advice (排班)
  const staffingForm = $("sv-staffing-form");
  $("sv-weekday").value = String((new Date(page.today + "T12:00:00").getDay() + 6) % 7); // JS Sunday=0; ours Monday=0

  async function loadStaffing() {
    const form = new FormData(staffingForm);
    const params = { weekday: form.get("weekday"), weeks: form.get("weeks") || "8" };
    // History up to and including the chosen day: the API's `until` is the day after (today: its default).
    const upTo = form.get("until");
    if (upTo && upTo !== page.today) {
      params.until = new Date(Date.parse(upTo + "T12:00:00Z") + 86400000).toISOString().slice(0, 10);
    }
    try {
      state.staffing = await sv.api("GET", withQuery(page.api.staffing, params));
      renderStaffing();
    } catch (err) {
      sv.refuseError(err);
    }
  }
  staffingForm.addEventListener("submit", (event) => {
    event.preventDefault();
    loadStaffing();
  });

  function renderStaffing() {
    const s = state.staffing;
    if (!s) return;
    // A weekday without history is advised on the simulator's default traffic, which the basis says.
    const a = s.assumptions;
    const basis = s.source === "simulator_defaults" && a && a.hours
      ? t("staffing_defaults", { rate: number(a.arrivals_per_hour), from: String(a.hours[0]).padStart(2, "0"),
                                 to: String(a.hours[1]).padStart(2, "0") })
      : t("staffing_basis", { days: s.history.days_used, tickets: s.history.tickets, from: s.history.from, to: s.history.to });
    $("sv-staffing-basis").dataset.source = s.source || "";
    $("sv-staffing-basis").textContent = s.hours.length
      ? [basis, t("staffing_target", { share: percent(s.target.share), within: number(s.target.within_min) })].join(" ")
      : t("staffing_empty");
    $("sv-staffing-table").tBodies[0].replaceChildren(
      ...s.hours.map((r) =>
        h("tr", { class: r.shortfall ? "is-short" : "" },
          h("th", { scope: "row" }, hourLabel(r.hour)),
          h("td", { class: "sv-num" }, number(r.arrivals_per_hour)),
          h("td", { class: "sv-num" }, minSec(r.mean_service_s)),
          h("td", { class: "sv-num sv-needed" }, String(r.counters)),
          h("td", { class: "sv-num" }, String(s.counters_available)),
          h("td", { class: "sv-num" }, r.shortfall ? String(r.shortfall) : "–"),
          h("td", { class: "sv-num" }, percent(r.share_within_target)),
          h("td", { class: "sv-num" }, minSec(r.mean_wait_s))),
      ),
    );
    if (sv.state.tab === "reports") drawStaffing();
  }

  function drawStaffing() {
    const s = state.staffing;
    if (!s) return;
    draw("staffing", {
      type: "bar",
      data: {
        labels: s.hours.map((r) => hourLabel(r.hour)),
        datasets: [
          { type: "bar", label: t("series.counters_needed"), data: s.hours.map((r) => r.counters), backgroundColor: PALETTE.needed },
          { type: "line", label: t("series.counters_available"), data: s.hours.map(() => s.counters_available),
            borderColor: PALETTE.available, backgroundColor: PALETTE.available, pointRadius: 3, borderDash: [6, 4] },
        ],
      },
      options: baseOptions({ y: axis("axis.counters", { ticks: { precision: 0 }, suggestedMax: s.counters_available + 1 }) }),
    });
  }

  // ---------------------------------------------------------------- printable report and day close
  $("sv-print-form").addEventListener("submit", (event) => {
    const form = event.target;
    if (!sv.state.auth) {
      event.preventDefault();
      return;
    }
    form.elements.token.value = sv.state.auth.token;
    form.elements.date.value = day();
    // The token leaves the page only in this POST; clear it from the form right after.
    setTimeout(() => {
      form.elements.token.value = "";
    }, 0);
  });

  $("sv-close-day").addEventListener("click", () => {
    $("sv-close-dialog-title").textContent = t("close_day_confirm_title", { day: day() });
    sv.dialogError("sv-close-error", null);
    $("sv-close-dialog").showModal();
  });

  $("sv-close-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const result = await sv.api("POST", page.api.day_close, { date: day() });
      $("sv-close-dialog").close();
      const summary = result.day_close;
      sv.info("msg.day_closed", { abandoned: summary.abandoned, counters: summary.counters_closed.join(", ") || "–" });
      await load();
    } catch (err) {
      sv.dialogError("sv-close-error", sv.errorKey(err), { code: err.code });
    }
  });

  Object.assign(sv, { reports: state, loadReports: load, loadStaffing });
})();
