/* Counter terminal: the signed-in teller's own schedule from the roster (排班), this week and next
 * (GET /branches/<code>/roster/mine; server/queue/roster.py). Read when the work view first renders
 * and again when the supervisor changes the roster (roster.changed reaches the counter room).
 */
(function () {
  "use strict";
  const ct = window.counterflowCounter;
  const { cf, h, t, $, state } = ct;
  const mine = { data: null, user: null, reading: false };

  const addDays = (iso, n) => new Date(Date.parse(iso + "T12:00:00Z") + n * 86400000).toISOString().slice(0, 10);
  const weekdayOf = (iso) => (new Date(iso + "T12:00:00Z").getUTCDay() + 6) % 7; // Monday = 0

  async function refresh() {
    if (!state.auth || mine.reading) return;
    mine.reading = true;
    try {
      mine.data = await ct.api("GET", cf.page.api.my_roster.replace("{branch}", encodeURIComponent(state.auth.branch)));
      mine.user = state.auth.username;
    } catch (err) {
      // Kept as it was: the schedule is not worth an error line; the next roster change reads it again.
    } finally {
      mine.reading = false;
    }
    render();
  }

  function shiftText(s) {
    if (s.kind === "rest") return t("my_roster_rest");
    const text = t(s.kind === "counter" ? "my_roster_counter" : "my_roster_duty", s);
    return [text, ...s.breaks.map((b) => t("my_roster_break", b)), s.note].filter(Boolean).join(t("my_roster_sep"));
  }

  function week(title, monday, shifts, today) {
    const days = [...Array(7).keys()].map((i) => addDays(monday, i));
    const rows = days.filter((d) => shifts.some((s) => s.day === d)).map((d) =>
      h("li", { class: "ct-roster-day" + (d === today ? " is-today" : ""), dataset: { day: d } },
        h("span", { class: "ct-roster-date" }, `${t("weekday_short." + weekdayOf(d))} ${d.slice(5).replace("-", "/")}`,
          d === today ? h("span", { class: "ct-roster-today" }, t("my_roster_today")) : null),
        h("span", { class: "ct-roster-shifts" }, shifts.filter((s) => s.day === d).map(shiftText).join(" · "))));
    return [h("h3", { class: "ct-roster-week" }, title),
            h("ul", { class: "ct-roster-list" }, ...(rows.length ? rows : [h("li", { class: "ct-muted" }, t("my_roster_none"))]))];
  }

  function render() {
    const box = $("ct-roster");
    if (!box) return;
    if (state.view === "work" && state.auth && mine.user !== state.auth.username && !mine.reading) {
      mine.data = null;
      refresh();
    }
    if (!mine.data) {
      box.replaceChildren();
      return;
    }
    const d = mine.data;
    box.replaceChildren(...week(t("my_roster_this_week"), d.week, d.shifts, d.today),
                        ...week(t("my_roster_next_week"), addDays(d.week, 7), d.shifts, d.today));
  }

  ct.hooks.render.push(render);
  ct.hooks.event.push((message) => {
    if (message.event === "roster.changed" || message.event === "day.closed") refresh();
  });
})();
