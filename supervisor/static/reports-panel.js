/* Supervisor panel, the report section: the day report, the staff report over a period and the monthly
 * ranking with the service star (服務明星). Each is shown here (read from the report API), printed
 * (a new tab) or downloaded as CSV/XLSX, in the panel's language. Loaded after panel.js and reports.js.
 *
 * Printing and downloads post the token in a hidden form to /supervisor/<branch>/report-file: a link
 * cannot carry the Authorization header, and a token in a URL would end up in logs and history.
 */
(function () {
  "use strict";
  const sv = window.counterflowSupervisor;
  const { cf, page, h, t, $ } = sv;
  const kindSelect = $("sv-rf-kind");
  const state = { shown: null, wall: undefined }; // {kind, data} of the last report shown; the posted star

  const intl = () => page.languages[cf.i18n.locale].intl;
  const number = (value, digits = 1) => (value === null || value === undefined ? "–"
    : new Intl.NumberFormat(intl(), { maximumFractionDigits: digits }).format(value));
  const minSec = (seconds) => (seconds === null || seconds === undefined ? "–"
    : t("seconds_min", { min: Math.floor(Math.round(seconds) / 60), s: Math.round(seconds) % 60 }));
  const withQuery = (path, params) => path + "?" + new URLSearchParams(params);
  const day = () => $("sv-day").value || page.today;

  // What the chosen kind asks for: the day of the tab above, a period, or a month.
  function params(kind) {
    if (kind === "day") return { date: day() };
    if (kind === "staff") return { from: $("sv-rf-from").value || page.today, to: $("sv-rf-to").value || page.today };
    return { month: $("sv-rf-month").value || page.today.slice(0, 7) };
  }

  function showControls() {
    const kind = kindSelect.value;
    document.querySelectorAll("[data-rf-for]").forEach((el) => {
      el.hidden = el.dataset.rfFor !== kind;
    });
    $("sv-rf-show").hidden = kind === "day";
    state.shown = null;
    render();
  }
  kindSelect.addEventListener("change", showControls);

  // ---------------------------------------------------------------- view in the panel
  async function show() {
    const kind = kindSelect.value;
    if (!sv.state.auth || kind === "day") return;
    const path = kind === "staff" ? page.api.staff_report : page.api.ranking;
    try {
      const data = await sv.api("GET", withQuery(path, params(kind)));
      if (kindSelect.value === kind) {
        state.shown = { kind, data };
        if (kind === "ranking" && state.wall === undefined) await wall(null);
        render();
      }
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
    }
  }
  $("sv-rf-show").addEventListener("click", show);

  function head(keys) {
    $("sv-rf-table").tHead.rows[0].replaceChildren(
      ...keys.map(([key, num]) => h("th", { scope: "col", class: num ? "sv-num" : "" }, t(key))));
  }

  function render() {
    const table = $("sv-rf-table");
    const star = $("sv-rf-star");
    const summary = $("sv-rf-summary");
    const shown = state.shown;
    star.hidden = true;
    table.hidden = true;
    $("sv-ws").hidden = true;
    if (kindSelect.value === "day") {
      summary.textContent = t("rf.day_hint", { day: day() });
      return;
    }
    summary.textContent = "";
    if (!shown) return;
    if (shown.kind === "staff") renderStaff(shown.data);
    else renderRanking(shown.data);
    table.hidden = false;
    renderWall();
  }

  // ---------------------------------------------------------------- the service star on the lobby display
  function renderWall() {
    const box = $("sv-ws");
    const shown = state.shown;
    box.hidden = !(shown && shown.kind === "ranking" && (shown.data.star || state.wall));
    if (box.hidden) return;
    if (shown.data.star && !$("sv-ws-name").value) $("sv-ws-name").value = shown.data.star.name || shown.data.star.teller;
    $("sv-ws-post").hidden = !shown.data.star;
    $("sv-ws-down").hidden = !state.wall;
    $("sv-ws-state").textContent = state.wall ? t("ws.posted", state.wall) : t("ws.none");
  }

  async function wall(body) {
    try {
      const answer = body ? await sv.api("PUT", page.api.wall_star, body) : await sv.api("GET", page.api.wall_star);
      state.wall = answer.star;
      renderWall();
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
    }
  }
  $("sv-ws-post").addEventListener("click", () => wall({ on: true, month: state.shown.data.month, name: $("sv-ws-name").value.trim() }));
  $("sv-ws-down").addEventListener("click", () => wall({ on: false }));
  sv.hooks.event.push((message) => {
    if (message.event === "display.star") {
      state.wall = (message.data || {}).star || null;
      renderWall();
    }
  });

  function emptyRow(colspan) {
    return h("tr", {}, h("td", { colspan: String(colspan), class: "sv-empty" }, t("rf.empty")));
  }

  function renderStaff(report) {
    const rows = report.tellers.filter((r) => r.teller);
    $("sv-rf-summary").textContent = t("rf.period", { from: report.period.from, to: report.period.to, n: rows.length });
    head([["col.teller"], ["col.served", true], ["rf.col.wait", true], ["col.service_time", true],
          ["col.satisfaction", true], ["rf.col.rated", true], ["col.pause_total", true]]);
    $("sv-rf-table").tBodies[0].replaceChildren(...(rows.length ? rows.map((r) =>
      h("tr", { dataset: { teller: r.teller } },
        h("th", { scope: "row" }, r.name || r.teller),
        h("td", { class: "sv-num sv-served" }, number(r.done, 0)),
        h("td", { class: "sv-num" }, minSec(r.wait.mean_s)),
        h("td", { class: "sv-num" }, minSec(r.service_time.mean_s)),
        h("td", { class: "sv-num" }, number(r.satisfaction.mean, 2)),
        h("td", { class: "sv-num" }, number(r.satisfaction.rated, 0)),
        h("td", { class: "sv-num" }, r.pause && r.pause.total_s ? sv.duration(r.pause.total_s) : "–"))) : [emptyRow(7)]));
  }

  function renderRanking(ranking) {
    const star = $("sv-rf-star");
    star.hidden = false;
    star.classList.toggle("is-empty", !ranking.star);
    star.textContent = ranking.star
      ? t("rf.star", { month: ranking.month, name: ranking.star.name || ranking.star.teller, score: number(ranking.star.score, 2) })
      : t("rf.no_star", { month: ranking.month, n: ranking.rule.min_rated });
    head([["rf.col.rank", true], ["col.teller"], ["col.served", true], ["rf.col.rated", true],
          ["col.satisfaction", true], ["rf.col.score", true]]);
    const starTeller = ranking.star && ranking.star.teller;
    $("sv-rf-table").tBodies[0].replaceChildren(...(ranking.tellers.length ? ranking.tellers.map((r) =>
      h("tr", { class: r.teller === starTeller ? "is-star" : "", dataset: { teller: r.teller } },
        h("td", { class: "sv-num" }, r.rank === null ? t("rf.not_ranked") : String(r.rank)),
        h("th", { scope: "row" }, (r.teller === starTeller ? "★ " : "") + (r.name || r.teller)),
        h("td", { class: "sv-num" }, number(r.served, 0)),
        h("td", { class: "sv-num" }, number(r.rated, 0)),
        h("td", { class: "sv-num" }, number(r.satisfaction_mean, 2)),
        h("td", { class: "sv-num" }, number(r.score, 2)))) : [emptyRow(6)]));
  }

  // ---------------------------------------------------------------- print and download
  document.querySelectorAll("[data-rf-format]").forEach((button) => {
    button.addEventListener("click", () => {
      if (!sv.state.auth) return;
      const form = $("sv-rf-form");
      const kind = kindSelect.value;
      const values = Object.assign({ token: sv.state.auth.token, kind, format: button.dataset.rfFormat,
                                     lang: cf.i18n.locale, date: "", from: "", to: "", month: "" }, params(kind));
      Object.entries(values).forEach(([name, value]) => {
        form.elements[name].value = value;
      });
      // The printable page opens in a new tab; a file downloads without leaving the panel.
      form.target = button.dataset.rfFormat === "html" ? "_blank" : "";
      form.submit();
      form.elements.token.value = ""; // the token leaves the page only in this POST
    });
  });

  sv.hooks.locale.push(render);
  sv.hooks.signedIn.push(() => {
    state.shown = null;
    state.wall = undefined; // read again with the next ranking shown
    render();
  });
  $("sv-day").addEventListener("change", render);
  showControls();
})();
