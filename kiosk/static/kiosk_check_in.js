/* The kiosk's one check-in (docs/architecture.md, "Kiosk check-in"): the customer types an appointment
 * code or a phone ticket's number; the hub tries both (POST .../check-in). An appointment becomes a
 * ticket, printed and shown on the result screen; a phone ticket keeps its number and the dialog says
 * so, then closes by itself. */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const page = cf.page;
  const t = (key, values) => cf.i18n.t(key, values);
  const $ = (id) => document.getElementById(id);
  const dialog = $("k-check-in");
  const input = $("k-check-in-code");
  const result = $("k-check-in-result");
  let closeTimer = null;

  function say(key, values, ok) {
    result.dataset.i18n = key;
    result.textContent = t(key, values);
    result.dataset.ok = String(ok);
    result.hidden = false;
  }

  $("k-check-in-open").addEventListener("click", () => {
    clearTimeout(closeTimer);
    result.hidden = true;
    input.value = "";
    dialog.showModal();
    input.focus();
  });
  $("k-check-in-cancel").addEventListener("click", () => dialog.close());
  $("k-check-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = input.value.trim().toUpperCase();
    if (!code) return;
    try {
      const answer = await cf.api.request("POST", page.api.check_in,
        { body: { code }, token: cf.storage.get(page.token_key) || undefined });
      if (answer.kind === "appointment") {
        dialog.close();
        window.counterflowKiosk.showResult(Object.assign({}, answer.ticket, { tracking_token: answer.tracking_token }));
        return;
      }
      say("check_in_done", { number: answer.ticket.number }, true);
      input.value = "";
      closeTimer = setTimeout(() => dialog.close(), page.result_seconds * 1000);
    } catch (err) {
      const key = "check_in." + err.code;
      say(page.catalogs[cf.i18n.locale][key] ? key : "check_in.other", {}, false);
    }
  });
})();
