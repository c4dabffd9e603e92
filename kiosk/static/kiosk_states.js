/* Kiosk states (docs/ui.md, "Kiosk states"): whether the hall takes tickets now (opening hours per
 * weekday, the day close), which services a customer may see (staff-only ones only in guide mode), and
 * which no open counter serves ("currently unavailable"; refused or issued with a warning, as the
 * branch chose). kiosk.js asks; the hall state comes with the snapshot and from GET …/hall, again
 * every page.hall_refresh_s (hours pass without an event) and after a day close or opening. */
window.counterflowKioskStates = (function () {
  "use strict";
  const cf = window.CounterFlow;
  const page = cf.page;
  let hall = { open: true, reason: null, unavailable_policy: "warn" };
  const listeners = [];

  function set(next) {
    if (!next) return;
    const changed = JSON.stringify(next) !== JSON.stringify(hall);
    hall = next;
    if (changed) listeners.forEach((fn) => fn());
  }

  async function refresh() {
    try {
      set((await cf.api.request("GET", page.api.hall)).hall);
    } catch (err) {
      // Offline or 503: the connection banner says so; the last known state stands.
    }
  }

  setInterval(refresh, page.hall_refresh_s * 1000);

  return {
    set,
    refresh,
    onChange: (fn) => listeners.push(fn),
    get hall() {
      return hall;
    },
    // A guide may still issue outside opening hours (the engine allows the guide channel), not after
    // the day close.
    closedFor: (guide) => !hall.open && (!guide || hall.reason === "day_closed"),
    closedNotice() {
      if (hall.open) return null;
      if (hall.reason === "outside_hours" && hall.opens) {
        return { key: "closed_now_hours", params: { opens: hall.opens, closes: hall.closes } };
      }
      return { key: hall.reason === "day_closed" ? "closed_for_today" : "closed_today" };
    },
    visible: (rows, guide) => rows.filter((row) => guide || !row.guide_only),
    unavailable: (row) => row.counters_open === 0,
    refused: (row, guide) => row.counters_open === 0 && !guide && hall.unavailable_policy === "refuse",
  };
})();
