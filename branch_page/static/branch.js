/* The branch page (/b/<code>): services with people waiting and the estimated wait, "take a ticket"
 * with the page's short-lived proof, then on to the ticket page. */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const remote = window.CounterFlowRemote;
  const page = cf.page;
  const h = cf.ui.h;
  const t = (key, values) => cf.i18n.t(key, values);
  const $ = (id) => document.getElementById(id);
  const state = { data: null, busy: false, message: null };

  function waitText(row) {
    if (row.estimated_wait_s == null) return t("no_counter_open");
    if (!row.estimated_wait_s) return t("no_wait");
    if (cf.ui.underAMinute(row.estimated_wait_s)) return t("wait_under_minute");
    return t("estimated_wait", { min: cf.ui.minutes(row.estimated_wait_s) });
  }

  function render() {
    $("bp-branch").textContent = cf.i18n.name(page.branch);
    const message = $("bp-message");
    message.hidden = !state.message;
    message.textContent = state.message ? t(state.message) : "";
    const data = state.data;
    if (!data) return;
    const closed = !data.enabled ? "remote_off" : data.hall && data.hall.open === false ? "hall_closed" : null;
    if (closed && !state.message) {
      message.hidden = false;
      message.textContent = t(closed);
    }
    const items = data.services.map((row) => {
      const button = h("button", { type: "button", class: "cf-button primary bp-take" }, t("take"));
      button.disabled = state.busy || !!closed;
      button.addEventListener("click", () => take(row.service));
      return h("li", { class: "bp-service", "data-service": row.service },
        h("div", { class: "bp-service-text" },
          h("p", { class: "bp-service-name" }, cf.i18n.name(row)),
          h("p", { class: "bp-waiting" }, t("waiting_n", { n: row.waiting })),
          h("p", { class: "bp-wait" }, waitText(row))),
        button);
    });
    $("bp-services").replaceChildren(...items);
  }

  async function load() {
    try {
      state.data = await remote.send("GET", page.api.data);
    } catch (err) {
      /* keep what is shown; the next refresh tries again */
    }
    render();
  }

  async function take(service) {
    state.busy = true;
    state.message = null;
    render();
    const contact = $("bp-contact").value.trim();
    // The page's language: the hub's notices to this customer speak it (docs/architecture.md, "Remote queue").
    const body = { service, proof: state.data.proof, locale: cf.i18n.locale };
    if (contact) body.contact = contact;
    try {
      const ticket = await remote.send("POST", page.api.take, body);
      remote.remember(page.tokens_key, ticket.tracking_token);
      window.location.assign("/t/" + ticket.tracking_token);
      return;
    } catch (err) {
      state.message = err.status === 429 ? "too_many" : err.code === "invalid_contact" ? "invalid_contact"
        : err.code === "hall_closed" ? "hall_closed" : err.code === "remote_disabled" ? "remote_off" : "take_failed";
      if (err.code === "proof_expired") await load();
    }
    state.busy = false;
    render();
  }

  cf.ui.languageButtons(render);
  load();
  setInterval(load, page.refresh_s * 1000);
  window.counterflowBranch = { state };
})();
