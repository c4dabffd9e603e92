/* Booking page (/b/<branch>/book): service, day, free slot, name and phone or e-mail; on success the
 * appointment's own page (/a/<token>) shows the code and the QR. No sign-in (docs/architecture.md,
 * "Appointments"). */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const page = cf.page;
  const h = cf.ui.h;
  const t = (key, values) => cf.i18n.t(key, values);
  const $ = (id) => document.getElementById(id);

  const state = { services: [], days: [], service: null, day: null, time: null, slots: [] };

  function dayLabel(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    const date = new Date(Date.UTC(y, m - 1, d));
    return new Intl.DateTimeFormat(cf.i18n.language().intl, { weekday: "short", month: "short", day: "numeric",
      timeZone: "UTC" }).format(date);
  }

  function choice(group, value, label, selected, disabled, onPick) {
    return h("button", { type: "button", role: "radio", class: "ap-choice", "aria-checked": String(selected),
      dataset: { value }, disabled, onclick: onPick }, label);
  }

  function render() {
    $("ap-none").hidden = state.services.length > 0;
    $("ap-form").hidden = state.services.length === 0;
    $("ap-services").replaceChildren(...state.services.map((s) => choice("service", s.service, cf.i18n.name(s),
      s.service === state.service, false, () => pickService(s.service))));
    const select = $("ap-day");
    select.replaceChildren(...state.days.map((d) => h("option", { value: d, selected: d === state.day }, dayLabel(d))));
    $("ap-slots").replaceChildren(...state.slots.map((s) => choice("slot", s.time,
      s.free ? s.time : s.time + " · " + t("slot_full"), s.time === state.time, !s.free, () => pickTime(s.time))));
    $("ap-no-slots").hidden = !state.service || state.slots.some((s) => s.free);
    $("ap-book").disabled = !(state.service && state.day && state.time);
  }

  async function loadSlots() {
    state.slots = [];
    state.time = null;
    if (state.service && state.day) {
      const query = new URLSearchParams({ service: state.service, day: state.day });
      state.slots = (await cf.api.request("GET", page.api + "/slots?" + query)).slots;
    }
    render();
  }

  function pickService(code) {
    state.service = code;
    loadSlots();
  }

  function pickTime(time) {
    state.time = time;
    render();
  }

  $("ap-day").addEventListener("change", (event) => {
    state.day = event.target.value;
    loadSlots();
  });

  $("ap-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("ap-error");
    error.textContent = "";
    const body = { service: state.service, day: state.day, time: state.time, name: $("ap-name").value.trim() };
    const phone = $("ap-phone").value.trim();
    const email = $("ap-email").value.trim();
    if (phone) body.phone = phone;
    if (email) body.email = email;
    const button = $("ap-book");
    button.disabled = true;
    button.textContent = t("booking");
    try {
      const made = await cf.api.request("POST", page.api, { body });
      location.assign("/a/" + encodeURIComponent(made.token));
    } catch (err) {
      const key = "error." + err.code;
      error.textContent = page.catalogs[cf.i18n.locale][key] ? t(key) : t("error.other");
      button.textContent = t("book");
      if (["slot_full", "slot_past"].includes(err.code)) await loadSlots();
      render();
    }
  });

  cf.i18n.onChange(render);

  async function start() {
    const listing = await cf.api.request("GET", page.api);
    state.services = listing.services;
    state.days = listing.days;
    state.day = listing.days[0] || null;
    state.service = listing.services.length === 1 ? listing.services[0].service : null;
    await loadSlots();
  }
  window.counterflowBooking = { state };
  start();
})();
