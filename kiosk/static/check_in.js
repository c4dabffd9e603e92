/* The kiosk's check-in form: a remote ticket's number, checked in with the kiosk's device token
 * (POST .../remote/check-in; docs/architecture.md, "Remote queue"). */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const page = cf.page;
  const t = (key, values) => cf.i18n.t(key, values);
  const form = document.getElementById("k-check-in");
  const input = document.getElementById("k-check-in-number");
  const result = document.getElementById("k-check-in-result");
  let clearTimer = null;

  function show(text, ok) {
    result.textContent = text;
    result.dataset.ok = String(ok);
    clearTimeout(clearTimer);
    clearTimer = setTimeout(() => { result.textContent = ""; }, page.result_seconds * 1000);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const number = input.value.trim().toUpperCase();
    if (!number) return;
    try {
      const ticket = await cf.api.request("POST", page.api.check_in,
        { body: { number }, token: cf.storage.get(page.token_key) || undefined });
      show(t("check_in_done", { number: ticket.number }), true);
      input.value = "";
    } catch (err) {
      show(t(err.code === "ticket_not_found" || err.code === "not_remote" || err.code === "already_checked_in"
        ? "check_in_unknown" : "check_in_failed"), false);
    }
  });
})();
