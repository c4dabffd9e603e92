/* Counter terminal: the tickets this counter may call, in the order call next takes them, each with a
 * button to call that one (a customer with an appointment, a ticket the supervisor moved here).
 *
 * The list is read from the hub (/counters/<id>/callable) after every change the counter room hears,
 * at most every 150 ms; counter.js reads `state.callable` to enable call next and word the empty card.
 */
(function () {
  "use strict";
  const ct = window.counterflowCounter;
  const { cf, h, t, $, state } = ct;
  const REFRESH_ON = /^(snapshot|queue\.changed|ticket\.|counter\.)/;

  let timer = null;
  let reading = false;
  let again = false;

  function refreshSoon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  }

  async function refresh() {
    if (!state.counterId || state.view !== "work" || state.status !== "online") return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      const answer = await ct.api("GET", ct.counterPath("callable"));
      state.callable = answer.tickets;
      state.notCheckedIn = answer.not_checked_in || []; // shown, never callable (call_order.py)
    } catch (err) {
      // Kept as it was: the next change reads it again, and the connection banner tells of an outage.
    } finally {
      reading = false;
    }
    if (again) {
      again = false;
      refresh();
      return;
    }
    ct.render(); // call next and the empty card depend on the list; this list renders from its hook
  }

  const serviceName = (ticket) => (cf.i18n.locale === "en" ? ticket.service_name_en : ticket.service_name_zh);
  const waitedMin = (ticket) => Math.max(0, Math.floor((Date.now() - Date.parse(ticket.arrived_at)) / 60000));

  function render() {
    const list = $("ct-callable");
    if (!list || state.callable === null) return;
    const why = ct.blocked("call_next");
    const canCall = !why || why === "err.queue_empty";
    $("ct-callable-count").textContent = t("callable_count", { n: state.callable.length });
    // Remote customers not checked in yet: listed after the callable ones, marked, without a call button.
    const waitingForCheckIn = (state.notCheckedIn || []).map((ticket) =>
      h("li", { class: "ct-callable-item is-not-checked-in", dataset: { ticket: ticket.id, number: ticket.number } },
        h("span", { class: "ct-c-number" }, ticket.number),
        h("span", { class: "ct-c-info" },
          h("span", {}, `${ticket.service} · ${serviceName(ticket)}`),
          h("span", { class: "ct-badge not-checked-in" }, t("not_checked_in")))));
    if (!state.callable.length) {
      list.replaceChildren(h("li", { class: "ct-callable-empty" }, t("nobody_waiting")), ...waitingForCheckIn);
      return;
    }
    list.replaceChildren(
      ...state.callable.map((ticket) =>
        h(
          "li",
          { class: "ct-callable-item", dataset: { ticket: ticket.id, number: ticket.number } },
          h("span", { class: "ct-c-number" }, ticket.number),
          h("span", { class: "ct-c-info" },
            h("span", {}, `${ticket.service} · ${serviceName(ticket)}`),
            h("span", { class: "ct-c-waited" }, t("waited_min", { min: waitedMin(ticket) })),
            ticket.priority !== "normal"
              ? h("span", { class: "ct-badge priority-" + ticket.priority }, t("priority." + ticket.priority)) : null,
            ticket.target_counter ? h("span", { class: "ct-badge" }, t("transferred_in")) : null,
            ticket.note ? h("span", { class: "ct-c-note" }, t("note_from", { note: ticket.note })) : null),
          h("button", { type: "button", class: "cf-button ct-call-this", disabled: !canCall,
                        title: canCall ? "" : t(why), onclick: () => callThis(ticket) },
            t("call_this", { number: ticket.number })),
        ),
      ),
      ...waitingForCheckIn,
    );
  }

  async function callThis(ticket) {
    if (ct.busy) return;
    ct.busy = true;
    try {
      const result = await ct.api("POST", ct.counterPath("call-ticket"), { ticket_id: ticket.id });
      ct.setCurrent(result.ticket);
      ct.info("msg.called", { number: result.ticket.number });
    } catch (err) {
      ct.refuseError(err);
    } finally {
      ct.busy = false;
      refreshSoon();
    }
  }

  ct.hooks.render.push(render);
  ct.hooks.event.push((message) => {
    if (REFRESH_ON.test(message.event)) refreshSoon();
  });
  cf.i18n.onChange(render);
})();
