/* Supervisor panel, the roster tab (排班): the week's shifts per teller and day, planning and removing a
 * shift, copying the week to the next, and per day and hour the counters planned against the counters
 * the staffing advice needs (server/queue/roster.py, server/reports/roster_cover.py).
 * The week is read again when the tab is shown, after each change and when roster.changed arrives.
 */
(function () {
  "use strict";
  const sv = window.counterflowSupervisor;
  const { cf, page, h, t, $ } = sv;
  const state = { week: null, asked: 0, actual: null };

  // Dates are plain YYYY-MM-DD business days: computed at noon UTC so no zone moves them.
  const addDays = (iso, n) => new Date(Date.parse(iso + "T12:00:00Z") + n * 86400000).toISOString().slice(0, 10);
  const weekdayOf = (iso) => (new Date(iso + "T12:00:00Z").getUTCDay() + 6) % 7; // Monday = 0
  const monday = (iso) => addDays(iso, -weekdayOf(iso));
  const dayLabel = (iso) => `${t("weekday." + weekdayOf(iso))} ${iso.slice(5).replace("-", "/")}`;
  const num = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

  async function load() {
    if (!sv.state.auth) return;
    const asked = ++state.asked; // only the latest answer is shown when weeks are clicked through quickly
    try {
      const week = await sv.api("GET", `${page.api.roster}?week=${monday($("sv-ro-week").value || page.today)}`);
      if (asked !== state.asked) return;
      state.week = week;
      render();
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
    }
  }

  // Planned against actual counter time of one day (server/reports/roster_actual.py), as h:mm.
  const hm = (minutes) => `${minutes < 0 ? "−" : ""}${Math.floor(Math.abs(minutes) / 60)}:${String(Math.abs(minutes) % 60).padStart(2, "0")}`;

  async function loadActual() {
    if (!sv.state.auth) return;
    try {
      state.actual = await sv.api("GET", `${page.api.roster_actual}?date=${$("sv-ro-actual-day").value || page.today}`);
      renderActual();
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
    }
  }

  function renderActual() {
    if (!state.actual) return;
    const rows = state.actual.rows;
    $("sv-ro-actual").tBodies[0].replaceChildren(...(rows.length ? rows.map((r) =>
      h("tr", { class: r.difference_min < 0 ? "is-short" : "", dataset: { teller: r.teller, counter: String(r.counter) } },
        h("th", { scope: "row" }, r.name),
        h("td", { class: "sv-num" }, String(r.counter)),
        h("td", { class: "sv-num" }, hm(r.planned_min)),
        h("td", { class: "sv-num" }, hm(r.actual_min)),
        h("td", { class: "sv-num" }, (r.difference_min > 0 ? "+" : "") + hm(r.difference_min))))
      : [h("tr", {}, h("td", { colspan: "5", class: "sv-empty" }, t("ro.actual_none")))]));
  }

  function shiftText(s) {
    if (s.kind === "rest") return t("ro.shift_rest");
    const main = t(s.kind === "counter" ? "ro.shift_counter" : "ro.shift_duty", s);
    const breaks = s.breaks.map((b) => t("ro.break", b));
    return [main, ...breaks, s.note].filter(Boolean).join(t("ro.sep"));
  }

  async function remove(s) {
    try {
      await sv.api("DELETE", `${page.api.roster_shifts}/${encodeURIComponent(s.id)}`);
      sv.info("ro.removed");
      await load();
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
    }
  }

  function renderGrid(w, days) {
    const grid = $("sv-ro-grid");
    grid.tHead.rows[0].replaceChildren(h("th", { scope: "col" }, t("ro.col.teller")),
      ...days.map((d) => h("th", { scope: "col", class: d === w.today ? "is-today" : "" }, dayLabel(d))));
    const rows = w.staff.map((person) => h("tr", { dataset: { staff: person.username } },
      h("th", { scope: "row" }, person.name),
      ...days.map((d) => h("td", { class: d === w.today ? "is-today" : "" },
        ...w.shifts.filter((s) => s.staff === person.username && s.day === d).map((s) =>
          h("div", { class: "sv-ro-shift is-" + s.kind, dataset: { shift: String(s.id) } },
            h("span", {}, shiftText(s)),
            h("button", { type: "button", class: "sv-ro-remove", "aria-label": t("ro.remove", { name: person.name, day: dayLabel(d) }),
                          title: t("ro.remove", { name: person.name, day: dayLabel(d) }), onclick: () => remove(s) }, "×")))))));
    grid.tBodies[0].replaceChildren(...rows);
  }

  function renderCover(w) {
    const hours = [...new Set(w.days.flatMap((d) => d.hours.map((x) => x.hour)))].sort((a, b) => a - b);
    $("sv-ro-cover-note").textContent = t("ro.cover_note", { share: Math.round(w.target.share * 100) + "%",
                                                             within: num(w.target.within_min) });
    const table = $("sv-ro-cover");
    table.tHead.rows[0].replaceChildren(h("th", { scope: "col" }, t("ro.col.hour")),
      ...w.days.map((d) => h("th", { scope: "col", class: d.day === w.today ? "is-today" : "" },
        h("span", {}, dayLabel(d.day)),
        h("span", { class: "sv-ro-source is-" + d.source }, t("ro.source." + d.source, { n: d.history_days })),
        d.short_hours ? h("span", { class: "sv-ro-short-count" }, t("ro.short_hours", { n: d.short_hours })) : null)));
    table.tBodies[0].replaceChildren(...hours.map((hour) => h("tr", {},
      h("th", { scope: "row" }, `${String(hour).padStart(2, "0")}:00`),
      ...w.days.map((d) => {
        const cell = d.hours.find((x) => x.hour === hour);
        if (!cell) return h("td", { class: "sv-num" }, "–");
        const params = { planned: num(cell.planned), needed: cell.needed, short: num(cell.short) };
        return h("td", { class: "sv-num" + (cell.short > 0 ? " is-short" : ""), dataset: { day: d.day, hour: String(hour) } },
          t(cell.short > 0 ? "ro.cell_short" : "ro.cell", params));
      }))));
  }

  function renderForm(w, days) {
    const keep = (select, options) => {
      const before = select.value;
      select.replaceChildren(...options);
      if ([...select.options].some((o) => o.value === before)) select.value = before;
    };
    keep($("sv-ro-staff"), w.staff.map((p) => h("option", { value: p.username }, p.name)));
    keep($("sv-ro-day"), days.map((d) => h("option", { value: d }, dayLabel(d))));
    keep($("sv-ro-counter"), w.counters.map((n) => h("option", { value: String(n) }, String(n))));
    kindChanged();
  }

  function render() {
    const w = state.week;
    if (!w) return;
    const days = [...Array(7).keys()].map((i) => addDays(w.week, i));
    $("sv-ro-grid").dataset.week = w.week;
    renderGrid(w, days);
    renderCover(w);
    renderForm(w, days);
  }

  function kindChanged() {
    const kind = $("sv-ro-kind").value;
    document.querySelectorAll("#sv-ro-form .sv-ro-when").forEach((label) => {
      const counterField = label.contains($("sv-ro-counter"));
      label.hidden = kind === "rest" || (counterField && kind !== "counter");
    });
  }

  function shiftBody(form) {
    const f = form.elements;
    const body = { staff: f.staff.value, day: f.day.value, kind: f.kind.value };
    if (f.note.value.trim()) body.note = f.note.value.trim();
    if (body.kind === "rest") return body;
    if (body.kind === "counter") body.counter = Number(f.counter.value);
    body.from = f.from.value;
    body.to = f.to.value === "00:00" ? "24:00" : f.to.value; // a shift ending at midnight
    if (f.break_from.value && f.break_to.value) body.breaks = [{ from: f.break_from.value, to: f.break_to.value }];
    return body;
  }

  $("sv-ro-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await sv.api("POST", page.api.roster_shifts, shiftBody(event.target));
      sv.info("ro.added");
      await load();
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
    }
  });
  $("sv-ro-kind").addEventListener("change", kindChanged);
  $("sv-ro-week").addEventListener("change", load);
  const step = (days) => () => {
    $("sv-ro-week").value = addDays(monday($("sv-ro-week").value || page.today), days);
    load();
  };
  $("sv-ro-prev").addEventListener("click", step(-7));
  $("sv-ro-next").addEventListener("click", step(7));
  $("sv-ro-copy").addEventListener("click", async () => {
    const from = monday($("sv-ro-week").value || page.today);
    const copy = (replace) => sv.api("POST", page.api.roster_copy, { from_week: from, to_week: addDays(from, 7), replace });
    try {
      let done;
      try {
        done = await copy(false);
      } catch (err) {
        if (!(err instanceof cf.api.ApiError) || err.code !== "week_not_empty" || !window.confirm(t("ro.copy_replace"))) throw err;
        done = await copy(true);
      }
      sv.info("ro.copied", { n: done.copied, week: done.week });
      $("sv-ro-week").value = done.week;
      await load();
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
    }
  });

  $("sv-ro-actual-day").addEventListener("change", loadActual);

  sv.hooks.tab.push((tab) => {
    if (tab === "roster") {
      load();
      loadActual();
    }
  });
  sv.hooks.event.push((message) => {
    if (sv.state.tab !== "roster") return;
    if (message.event === "roster.changed") {
      load();
      loadActual();
    } else if (message.event === "counter.opened" || message.event === "counter.closed") {
      loadActual();
    }
  });
  sv.hooks.locale.push(() => {
    render();
    renderActual();
  });
  sv.hooks.signedIn.push(() => {
    state.week = null;
  });
})();
