/* Kiosk: a customer with an appointment types its code; the hub turns it into a ticket (printed like any
 * kiosk ticket) and the kiosk's result screen shows it (docs/architecture.md, "Appointments"). */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const page = cf.page;
  const t = (key, values) => cf.i18n.t(key, values);
  const $ = (id) => document.getElementById(id);
  const dialog = $("k-appointment");
  const error = $("k-appointment-error");

  function fail(key) {
    error.dataset.i18n = key;
    error.textContent = t(key);
    error.hidden = false;
  }

  $("k-have-appointment").addEventListener("click", () => {
    error.hidden = true;
    $("k-appointment-code").value = "";
    dialog.showModal();
  });
  $("k-appointment-cancel").addEventListener("click", () => dialog.close());
  $("k-appointment-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const result = await cf.api.request("POST", page.api.appointment_check_in, {
        body: { code: $("k-appointment-code").value.trim() },
        token: cf.storage.get(page.token_key),
      });
      dialog.close();
      window.counterflowKiosk.showResult(Object.assign({}, result.ticket, { tracking_token: result.tracking_token }));
    } catch (err) {
      if (err.code === "appointment_not_found") fail("appointment_not_found");
      else if (page.catalogs[cf.i18n.locale]["appointment." + err.code]) fail("appointment." + err.code);
      else fail("appointment.other");
    }
  });
})();
