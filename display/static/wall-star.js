/* Lobby display: the service star (服務明星) on the rotation. When the supervisor posts the month's
 * star, the "recent calls" panel and the star card take turns every page.star_rotation_s seconds;
 * taken down, the recent calls stay. display.js hands over the snapshot and every message as
 * "counterflow:display" DOM events (detail: {snapshot} or {message}).
 */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const page = cf.page;
  const h = cf.ui.h;
  const $ = (id) => document.getElementById(id);
  const primary = cf.i18n.locale;
  const secondary = page.secondary;
  const state = { star: null, showing: false };

  function bi(key, values) {
    const parts = [h("span", { class: "d-primary" }, cf.i18n.t(key, values, primary))];
    if (secondary) {
      parts.push(h("span", { class: "d-second", lang: page.languages[secondary].html }, cf.i18n.t(key, values, secondary)));
    }
    return parts;
  }

  function render() {
    const card = $("d-star");
    const recent = document.querySelector(".d-recent");
    const show = !!state.star && state.showing;
    card.hidden = !show;
    recent.hidden = show;
    if (!state.star) return;
    $("d-star-month").replaceChildren(...bi("star_month", { month: state.star.month }));
    $("d-star-name").textContent = state.star.name;
  }

  // The rotation: a steady swap, so the recent calls are never away for long.
  setInterval(() => {
    state.showing = !!state.star && !state.showing;
    render();
  }, page.star_rotation_s * 1000);

  document.addEventListener("counterflow:display", (event) => {
    const { snapshot, message } = event.detail;
    if (snapshot) state.star = snapshot.star || null;
    else if (message.event === "display.star") state.star = (message.data || {}).star || null;
    else return;
    state.showing = !!state.star; // a star just posted (or found on joining) is shown first
    render();
  });
})();
