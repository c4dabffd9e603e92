/* The appointment's own page (/a/<token>): its code, service and time, the QR to show at the door or
 * kiosk, check-in (which issues the ticket and leads to its ticket page) and cancel. */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const page = cf.page;
  const t = (key, values) => cf.i18n.t(key, values);
  const $ = (id) => document.getElementById(id);

  const state = { appointment: page.initial, ticket: null, confirmCancel: false };

  function dayLabel(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return new Intl.DateTimeFormat(cf.i18n.language().intl, { weekday: "long", year: "numeric", month: "long",
      day: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
  }

  function render() {
    const a = state.appointment;
    $("ap-code").textContent = a.code;
    $("ap-service").textContent = cf.i18n.name(a, "service_");
    $("ap-when").textContent = t("when", { day: dayLabel(a.business_day), time: a.time });
    $("ap-status").textContent = state.ticket ? t("checked_in", { number: state.ticket.number }) : t("status." + a.status);
    $("ap-status").dataset.status = a.status;
    const open = a.status === "booked";
    $("ap-qr-box").hidden = !open;
    $("ap-check-in").hidden = !(open || (a.status === "arrived" && !state.ticket));
    $("ap-cancel").hidden = !open;
    $("ap-cancel").textContent = t(state.confirmCancel ? "cancel_confirm" : "cancel");
    const link = $("ap-ticket");
    link.hidden = !state.ticket;
    if (state.ticket) link.href = "/t/" + encodeURIComponent(state.ticket.tracking_token);
  }

  function showError(err) {
    const key = "error." + err.code;
    $("ap-error").textContent = page.catalogs[cf.i18n.locale][key] ? t(key) : t("error.other");
  }

  $("ap-check-in").addEventListener("click", async () => {
    $("ap-error").textContent = "";
    try {
      const result = await cf.api.request("POST", page.api + "/check-in");
      state.appointment = result.appointment;
      state.ticket = { number: result.ticket.number, tracking_token: result.tracking_token };
    } catch (err) {
      showError(err);
    }
    render();
  });

  $("ap-cancel").addEventListener("click", async () => {
    $("ap-error").textContent = "";
    if (!state.confirmCancel) {
      state.confirmCancel = true; // a second tap: no dialog, which a phone may block
      render();
      return;
    }
    try {
      state.appointment = await cf.api.request("POST", page.api + "/cancel");
    } catch (err) {
      showError(err);
    }
    state.confirmCancel = false;
    render();
  });

  cf.i18n.onChange(render);
  window.counterflowAppointment = { state };
  render();
})();
