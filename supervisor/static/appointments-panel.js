/* Supervisor panel, the appointments tab: counters set aside and slot length per service, the
 * branch's appointment rules, and the day's bookings (contact data only when asked for), with
 * check-in by code (docs/architecture.md, "Appointments"). Read again when the tab is shown and when
 * an appointment.* event reaches the supervisor room. */
(function () {
  "use strict";
  const sv = window.counterflowSupervisor;
  const { cf, page, h, t, $ } = sv;
  const state = { settings: null, day: null };

  async function call(method, path, body) {
    try {
      return await sv.api(method, path, body);
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
      return null;
    }
  }

  async function load() {
    if (!sv.state.auth) return;
    const contact = $("sv-ap-show-contact").checked ? "?contact=1" : "";
    const [settings, day] = await Promise.all([call("GET", page.api.appointment_settings),
      call("GET", page.api.appointments + contact)]);
    if (settings) state.settings = settings;
    if (day) state.day = day;
    render();
  }

  function serviceRow(row) {
    const counters = h("input", { type: "number", min: "0", max: "50", value: String(row.counters),
      "aria-label": t("ap.counters") });
    const slot = h("input", { type: "number", min: "5", max: "240", value: String(row.slot_length_min),
      "aria-label": t("ap.slot_min") });
    const save = async () => {
      const body = { counters: Number(counters.value), slot_min: Number(slot.value) };
      if (await call("PUT", `${page.api.appointment_settings}/services/${encodeURIComponent(row.service)}`, body)) {
        sv.info("ap.saved");
        load();
      }
    };
    return h("tr", { dataset: { service: row.service } }, h("td", {}, row.service), h("td", {}, counters),
      h("td", {}, slot), h("td", {}, h("button", { type: "button", class: "cf-button", onclick: save }, t("ap.save"))));
  }

  function bookingRow(a) {
    const contact = [a.name, a.phone, a.email].filter(Boolean).join(" · ");
    return h("tr", { dataset: { code: a.code, status: a.status } }, h("td", {}, a.time), h("td", {}, a.code),
      h("td", {}, cf.i18n.name(a, "service_")), h("td", {}, sv.badge("sv-ap-" + a.status, t("ap.status." + a.status))),
      h("td", {}, contact));
  }

  function render() {
    if (state.settings) {
      $("sv-ap-services").tBodies[0].replaceChildren(...state.settings.services.map(serviceRow));
      const form = $("sv-ap-policy");
      Object.entries(state.settings.policy).forEach(([name, value]) => {
        if (form.elements[name] && document.activeElement !== form.elements[name]) form.elements[name].value = value;
      });
    }
    if (state.day) {
      $("sv-ap-counts").textContent = t("ap.counts", state.day.counts);
      const rows = state.day.appointments;
      $("sv-ap-day").tBodies[0].replaceChildren(...(rows.length ? rows.map(bookingRow)
        : [h("tr", {}, h("td", { colspan: "5", class: "sv-empty" }, t("ap.none")))]));
    }
  }

  $("sv-ap-policy").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = { prefix: form.elements.prefix.value.trim().toUpperCase() };
    ["early_min", "late_min", "keep_contact_days", "bookings_per_contact_day", "horizon_days"].forEach((name) => {
      body[name] = Number(form.elements[name].value);
    });
    if (await call("PATCH", page.api.appointment_settings, body)) {
      sv.info("ap.saved");
      load();
    }
  });

  $("sv-ap-check-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("sv-ap-code");
    const result = await call("POST", page.api.appointment_check_in, { code: input.value.trim() });
    if (result) {
      input.value = "";
      sv.info("ap.checked_in", { number: result.ticket.number });
      load();
    }
  });

  $("sv-ap-show-contact").addEventListener("change", load);
  sv.hooks.tab.push((tab) => {
    if (tab === "appointments") load();
  });
  sv.hooks.event.push((message) => {
    if (message.event.startsWith("appointment.") && sv.state.tab === "appointments") load();
  });
  sv.hooks.locale.push(render);
})();
