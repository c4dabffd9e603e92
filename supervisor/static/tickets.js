/* Supervisor panel, "tickets" tab: the branch's waiting tickets (filter by service, search by number) with
 * cancel, move and priority, and the counters with their tellers, each of which can be closed (the
 * teller signed out). Every action asks for a reason; the hub records it with the ticket's history.
 *
 * Plugs into panel.js through `sv.hooks`; the list is read from /branches/<code>/waiting after each
 * change the supervisor room hears while the tab is shown.
 */
(function () {
  "use strict";
  const sv = window.counterflowSupervisor;
  const cf = window.CounterFlow;
  const page = cf.page;
  const h = cf.ui.h;
  const t = sv.t;
  const $ = (id) => document.getElementById(id);

  const state = { tickets: [], loaded: false, shown: false, dialog: null };
  let timer = null;

  function refreshSoon(delay = 200) {
    clearTimeout(timer);
    timer = setTimeout(refresh, delay);
  }

  async function refresh() {
    if (!state.shown || !sv.state.auth) return;
    const params = new URLSearchParams();
    if ($("sv-waiting-service").value) params.set("service", $("sv-waiting-service").value);
    if ($("sv-waiting-search").value.trim()) params.set("q", $("sv-waiting-search").value.trim());
    const query = params.toString();
    try {
      state.tickets = (await sv.api("GET", page.api.waiting + (query ? "?" + query : ""))).tickets;
      state.loaded = true;
    } catch (err) {
      sv.refuseError(err);
      return;
    }
    render();
  }

  // ---------------------------------------------------------------- rendering
  function serviceOptions(select, firstKey, keep) {
    const value = keep ? select.value : "";
    select.replaceChildren(
      h("option", { value: "" }, t(firstKey)),
      ...sv.state.services.map((row) => h("option", { value: row.service }, `${row.service} · ${sv.serviceName(row)}`)),
    );
    select.value = value;
  }

  const waited = (s) => t("minutes", { n: Math.floor(s / 60) });

  function render() {
    serviceOptions($("sv-waiting-service"), "all_services", true);
    renderTickets();
    renderCounters();
  }

  function renderTickets() {
    const body = $("sv-waiting").tBodies[0];
    if (!state.tickets.length) {
      body.replaceChildren(h("tr", {}, h("td", { colspan: "6", class: "sv-empty" }, t("no_waiting"))));
      return;
    }
    body.replaceChildren(
      ...state.tickets.map((ticket) =>
        h(
          "tr",
          { dataset: { ticket: ticket.id, number: ticket.number } },
          h("th", { scope: "row" }, h("strong", {}, ticket.number),
            ticket.channel === "appointment" ? [" ", sv.badge("sv-ap-mark", t("ap.mark"))] : null,
            ticket.channel === "remote" ? sv.badge("remote", t("remote_ticket")) : null,
            ticket.awaiting_check_in ? sv.badge("not-checked-in", t("not_checked_in")) : null,
            ticket.note ? h("span", { class: "sv-muted sv-ticket-note" }, " · " + ticket.note) : null),
          h("td", {}, `${ticket.service} · ${cf.i18n.locale === "en" ? ticket.service_name_en : ticket.service_name_zh}`),
          h("td", {}, ticket.priority === "normal" ? t("priority.normal")
            : sv.badge("priority-" + ticket.priority, t("priority." + ticket.priority))),
          h("td", { class: "sv-num" }, waited(ticket.waited_s)),
          h("td", {}, ticket.target_counter ? t("counter_n", { counter: ticket.target_counter }) : ""),
          h("td", { class: "sv-row-actions" },
            // A guide checks a remote customer in (docs/architecture.md, "Remote queue").
            ticket.awaiting_check_in ? h("button", { type: "button", class: "cf-button primary", dataset: { act: "check-in" },
                                                     onclick: () => checkIn(ticket) }, t("act.check_in")) : null,
            h("button", { type: "button", class: "cf-button", dataset: { act: "move" },
                          onclick: () => openDialog("move", ticket) }, t("act.move")),
            h("button", { type: "button", class: "cf-button", dataset: { act: "priority" },
                          onclick: () => openDialog("priority", ticket) }, t("act.priority")),
            h("button", { type: "button", class: "cf-button danger", dataset: { act: "cancel" },
                          onclick: () => openDialog("cancel", ticket) }, t("act.cancel_ticket"))),
        ),
      ),
    );
  }

  async function checkIn(ticket) {
    try {
      await sv.api("POST", sv.pathWith(page.api.ticket_check_in, ticket.id), {});
      sv.info("msg.ticket_checked_in", { number: ticket.number });
    } catch (err) {
      sv.refuseError(err);
    }
    refreshSoon(0);
  }

  function renderCounters() {
    const counters = [...sv.state.counters].sort((a, b) => a.number - b.number);
    $("sv-staffed").replaceChildren(
      ...counters.map((c) => {
        const closable = c.state !== "closed" && !c.current_ticket;
        return h(
          "li",
          { class: "sv-staffed-item state-" + c.state, dataset: { counter: c.number, state: c.state } },
          h("div", { class: "sv-item-main" },
            h("p", {}, t("counter_with", { counter: c.number, state: t("state." + c.state),
                                           name: c.staff_name || t("nobody_signed_in") })),
            c.current_ticket ? h("p", { class: "sv-muted" }, t("serving_now", { number: c.current_ticket.number })) : null),
          c.state === "closed" ? null
            : h("button", { type: "button", class: "cf-button danger", disabled: !closable,
                            title: closable ? "" : t("err.counter_busy"), onclick: () => openDialog("close", c) },
              t("act.close_counter")),
        );
      }),
    );
  }

  // ---------------------------------------------------------------- one dialog for every action
  const TITLES = { cancel: "cancel_title", move: "move_title", priority: "priority_title", close: "close_counter_title" };
  const SUBMITS = { cancel: "confirm_cancel", move: "confirm_move", priority: "confirm_priority",
                    close: "confirm_close_counter" };

  function openDialog(kind, subject) {
    state.dialog = { kind, subject };
    const title = kind === "close"
      ? t(TITLES.close, { counter: subject.number, name: subject.staff_name || t("nobody_signed_in") })
      : t(TITLES[kind], { number: subject.number });
    $("sv-ticket-dialog-title").textContent = title;
    $("sv-ticket-submit").textContent = t(SUBMITS[kind]);
    $("sv-ticket-submit").className = "cf-button " + (kind === "cancel" || kind === "close" ? "danger" : "primary");
    $("sv-ticket-move-row").hidden = kind !== "move";
    $("sv-ticket-priority-row").hidden = kind !== "priority";
    if (kind === "move") {
      serviceOptions($("sv-ticket-service"), "same_service", false);
      $("sv-ticket-counter").replaceChildren(
        h("option", { value: "" }, t("any_counter")),
        ...[...sv.state.counters].sort((a, b) => a.number - b.number).map((c) =>
          h("option", { value: String(c.number), disabled: c.state === "closed" },
            [t("counter_n", { counter: c.number }), t("state." + c.state), c.staff_name || ""]
              .filter(Boolean).join(" · "))),
      );
      $("sv-ticket-note").value = subject.note || "";
    }
    if (kind === "priority") $("sv-ticket-priority").value = subject.priority === "normal" ? "priority" : "normal";
    $("sv-ticket-reason").value = "";
    sv.dialogError("sv-ticket-error", null);
    $("sv-ticket-dialog").showModal();
    $("sv-ticket-reason").focus();
  }

  $("sv-ticket-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const { kind, subject } = state.dialog || {};
    const reason = $("sv-ticket-reason").value.trim();
    if (!reason) {
      sv.dialogError("sv-ticket-error", "err.reason_required");
      return;
    }
    let path;
    let body = { reason };
    if (kind === "cancel") path = sv.pathWith(page.api.ticket_cancel, subject.id);
    else if (kind === "priority") {
      path = sv.pathWith(page.api.ticket_priority, subject.id);
      body.priority = $("sv-ticket-priority").value;
    } else if (kind === "close") path = sv.pathWith(page.api.counter_close, subject.id);
    else {
      path = sv.pathWith(page.api.ticket_move, subject.id);
      if ($("sv-ticket-service").value) body.to_service = $("sv-ticket-service").value;
      if ($("sv-ticket-counter").value) body.to_counter = Number($("sv-ticket-counter").value);
      if ($("sv-ticket-note").value.trim()) body.note = $("sv-ticket-note").value.trim();
      if (!body.to_service && body.to_counter === undefined) {
        sv.dialogError("sv-ticket-error", "err.move_target_missing");
        return;
      }
    }
    let result;
    try {
      result = await sv.api("POST", path, body);
    } catch (err) {
      sv.dialogError("sv-ticket-error", sv.errorKey(err), { code: err.code });
      return;
    }
    $("sv-ticket-dialog").close();
    if (kind === "cancel") sv.info("msg.ticket_cancelled", { number: result.number });
    else if (kind === "move") sv.info("msg.ticket_moved", { number: result.number });
    else if (kind === "priority") {
      sv.info("msg.ticket_reprioritised", { number: result.number, priority: t("priority." + result.priority) });
    } else {
      sv.upsert(sv.state.counters, result);
      sv.info("msg.counter_closed", { counter: result.number });
    }
    refreshSoon(0);
  });

  // ---------------------------------------------------------------- filter and search
  $("sv-waiting-filter").addEventListener("submit", (event) => event.preventDefault());
  $("sv-waiting-service").addEventListener("change", () => refreshSoon(0));
  $("sv-waiting-search").addEventListener("input", () => refreshSoon(250));

  // ---------------------------------------------------------------- panel hooks
  sv.hooks.tab.push((name) => {
    state.shown = name === "tickets";
    if (state.shown) {
      render();
      refreshSoon(0);
    }
  });
  sv.hooks.snapshot.push(() => {
    if (state.shown) {
      render();
      refreshSoon(0);
    }
  });
  sv.hooks.event.push((message) => {
    if (!state.shown) return;
    if (message.event.startsWith("counter.")) renderCounters();
    if (/^(ticket\.|queue\.changed|counter\.|day\.closed)/.test(message.event)) refreshSoon();
  });
  sv.hooks.locale.push(() => {
    if (state.shown) render();
  });
  window.counterflowTickets = state;
})();
