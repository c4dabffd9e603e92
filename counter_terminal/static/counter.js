/* Counter terminal: sign in, open a counter, serve customers with buttons or shortcut keys.
 *
 * State comes from three places, all carrying the same views: the API's answer to each action
 * (shown at once), the `counter:<id>` room's events (what other screens, the keypad or the supervisor
 * did) and the room's snapshot (after a connect, a reconnect or a seq gap). Each replaces what it
 * names, so the order they arrive in does not matter.
 */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const page = cf.page;
  const h = cf.ui.h;
  const t = (key, params) => cf.i18n.t(key, params);
  const $ = (id) => document.getElementById(id);
  const ACTIVE = ["called", "serving"];

  const state = {
    auth: null, // {token, username, name, role, branch}
    view: null, // signin | choose | work
    chooser: [], // counters listed for choosing
    counterId: null,
    counter: null, // this counter's view (with current_ticket)
    counters: [], // every counter of the branch (snapshot + counter.* events)
    services: [], // queue rows of the branch
    status: "offline",
    busy: false,
    message: null, // {kind: "error" | "info", key, params}
    clockOffsetMs: 0, // hub clock minus ours, when they differ by more than the Date header's rounding
    snapshots: 0,
    callable: null, // the tickets this counter may call (callable.js), null until first read
  };
  let client = null;
  let chooserTimer = null;
  // callable.js (the tickets this counter may call) plugs in here: render, event.
  const hooks = { render: [], event: [] };
  const runHooks = (name, ...args) => hooks[name].forEach((fn) => fn(...args));

  // ---------------------------------------------------------------- API paths
  const counterPath = (suffix) => page.api.counter.replace("{id}", state.counterId) + (suffix ? "/" + suffix : "");
  const errorKey = (err) => page.errors[err.code] || "err.other";

  // ---------------------------------------------------------------- messages
  function say(kind, key, params) {
    state.message = key ? { kind, key, params } : null;
    renderMessage();
  }
  const info = (key, params) => say("info", key, params);
  const refuse = (key, params) => say("error", key, params);
  const refuseError = (err) => refuse(errorKey(err), { code: err.code });

  function renderMessage() {
    const m = state.message;
    const error = $("ct-error");
    const status = $("ct-info");
    error.hidden = !(m && m.kind === "error");
    error.textContent = m && m.kind === "error" ? t(m.key, m.params) : "";
    status.textContent = m && m.kind === "info" ? t(m.key, m.params) : "";
    if (m && m.kind === "error") {
      // Same refusal twice in a row: flash it so the teller sees it was refused again.
      error.classList.remove("ct-flash");
      void error.offsetWidth;
      error.classList.add("ct-flash");
    }
  }

  // ---------------------------------------------------------------- helpers
  const serviceName = (row) => cf.i18n.name(row);
  const ticketService = (ticket) => cf.i18n.name(ticket, "service_");
  const now = () => Date.now() + state.clockOffsetMs;

  function reasonLabel(reason) {
    return reason && reason !== "other" && page.pause_reasons.includes(reason) ? t("reason." + reason) : reason || "";
  }

  function duration(fromIso) {
    const seconds = Math.max(0, Math.floor((now() - Date.parse(fromIso)) / 1000));
    const hh = Math.floor(seconds / 3600);
    const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
    const ss = String(seconds % 60).padStart(2, "0");
    return hh ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
  }

  const keyMap = new Map();
  Object.entries(page.shortcuts).forEach(([action, keys]) => keys.forEach((k) => keyMap.set(k.toUpperCase(), action)));

  // ---------------------------------------------------------------- views
  // The sign-in card and the header's who and sign-out are the session's (cf.staffSession, below);
  // the two views of a signed-in teller, choosing a counter and working at it, are this page's.
  function show(view) {
    state.view = view;
    ["choose", "work"].forEach((v) => {
      $("ct-" + v).hidden = v !== view;
    });
    session.frame(view !== "signin", view);
    renderHeader();
  }

  function renderHeader() {
    const where = $("ct-where");
    const c = state.counter;
    where.hidden = state.view !== "work" || !c;
    if (!where.hidden) where.textContent = t("counter_n", { counter: c.number });
    $("ct-close").hidden = state.view !== "work";
  }

  // ---------------------------------------------------------------- sign in / out (cf.staffSession)
  const session = cf.staffSession({
    prefix: "ct", state, check: true,
    accepts: (w) => page.roles.includes(w.role) && Boolean(w.branch),
    notAllowed: "not_teller",
    refuse,
    clear: () => say(null),
    show: (signedIn) => {
      if (!signedIn) show("signin"); // signed in, the chooser or the counter shows itself
    },
    remember: () => (state.counterId ? { counterId: state.counterId } : {}),
    onStart(auth, who) {
      if (who.counter_id) enterCounter(who.counter_id);
      else openChooser();
    },
    onEnd() {
      leaveCounter();
      stopChooser();
      state.counter = null;
      state.counterId = null;
    },
    // A teller is wherever the hub says; a supervisor may have stepped into someone's open counter.
    resume(previous, me) {
      const counterId = me.counter ? me.counter.id : state.auth.role !== "teller" ? previous.counterId : null;
      if (counterId) enterCounter(counterId);
      else openChooser();
    },
    // An open counter is closed first: no sign-out while that fails (e.g. a customer is still there).
    async beforeSignOut() {
      if (state.view !== "work" || !state.counter || state.counter.state === "closed") return true;
      return closeCounter({ thenChoose: false });
    },
  });
  const api = session.api;

  // ---------------------------------------------------------------- choosing a counter
  async function openChooser() {
    leaveCounter();
    state.counter = null;
    state.counterId = null;
    session.save();
    show("choose");
    await refreshChooser();
    stopChooser();
    // Nobody sends the chooser events (it has no room yet): refresh who is where now and then.
    chooserTimer = setInterval(refreshChooser, page.chooser_refresh_s * 1000);
  }

  function stopChooser() {
    clearInterval(chooserTimer);
    chooserTimer = null;
  }

  async function refreshChooser() {
    if (!state.auth) return;
    try {
      const data = await api("GET", page.api.counters.replace("{branch}", encodeURIComponent(state.auth.branch)));
      state.chooser = data.counters;
      renderChooser();
    } catch (err) {
      if (state.auth) refuseError(err);
    }
  }

  function counterStatus(c) {
    if (c.state === "closed") return t("counter_free");
    if (c.staff && c.staff === state.auth.username) return t("counter_yours");
    if (c.staff) return t("counter_taken", { name: c.staff_name || c.staff });
    return t("counter_unstaffed");
  }

  function renderChooser() {
    $("ct-counter-list").replaceChildren(
      ...state.chooser.map((c) => {
        const mine = c.staff && c.staff === state.auth.username;
        const taken = c.state !== "closed" && !mine && c.staff;
        return h(
          "li",
          { class: "ct-choice state-" + c.state + (taken ? " is-taken" : "") + (mine ? " is-mine" : ""),
            dataset: { counter: c.number } },
          h("p", { class: "ct-choice-title" }, t("counter_n", { counter: c.number })),
          h("p", { class: "ct-choice-services" }, t("counter_services", { list: c.services.join(" · ") })),
          h("p", { class: "ct-choice-state" },
            // "Closed: free to open" says the state itself; an open or paused counter gets its badge.
            c.state === "closed" ? null : [h("span", { class: "ct-state-badge state-" + c.state }, t("state." + c.state)), " "],
            counterStatus(c)),
          h("button", { type: "button", class: "cf-button" + (taken ? "" : " primary"), onclick: () => choose(c) },
            t(mine || (c.state !== "closed" && state.auth.role !== "teller") ? "continue_counter" : "open_counter")),
        );
      }),
    );
  }

  async function choose(c) {
    let view = null;
    const mine = c.staff && c.staff === state.auth.username;
    // A supervisor may step into an open counter; everyone else opens it (the hub refuses one in use).
    if (!mine && (c.state === "closed" || state.auth.role === "teller")) {
      try {
        view = await api("POST", page.api.counter.replace("{id}", c.id) + "/open");
      } catch (err) {
        refuseError(err);
        refreshChooser();
        return;
      }
      info("msg.opened", { counter: c.number });
    } else {
      say(null);
    }
    enterCounter(c.id, view);
  }

  // ---------------------------------------------------------------- at the counter
  function enterCounter(id, view) {
    stopChooser();
    state.counterId = id;
    state.counter = view || null;
    state.callable = null; // another counter's list is not this one's
    session.save();
    show("work");
    render();
    connectRoom();
  }

  function leaveCounter() {
    if (client) client.close();
    client = null;
  }

  function connectRoom() {
    leaveCounter();
    client = cf.connect({
      join: { audience: "counter", counter_id: state.counterId },
      token: () => state.auth && state.auth.token,
      onSnapshot(snapshot) {
        state.services = snapshot.services;
        state.counters = snapshot.counters;
        state.counter = snapshot.counter;
        state.snapshots += 1;
        if (stillHere()) render();
        runHooks("event", { event: "snapshot" });
      },
      onEvent,
      onStatus(status) {
        state.status = status;
        banner(status);
      },
      onRefused(error) {
        if (!session.refused(error)) refuse(page.errors[error.code] || "err.other", { code: error.code });
      },
    });
  }

  // Closed from elsewhere (the supervisor, the day close): back to choosing, and say so.
  function stillHere(closedFor) {
    const c = state.counter;
    if (state.view !== "work" || !c || c.state !== "closed") return true;
    openChooser();
    if (closedFor) refuse("msg.closed_by_supervisor", { counter: c.number, reason: closedFor });
    else info("msg.closed", { counter: c.number });
    return false;
  }

  function onEvent(message) {
    const data = message.data || {};
    if (message.event === "queue.changed" && data.queue) {
      state.services = cf.mergeQueue(state.services, data.queue);
      renderQueue();
    } else if (message.event.startsWith("counter.") && data.counter) {
      upsertCounter(data.counter, data.reason);
    } else if (message.event.startsWith("ticket.") && data.ticket) {
      applyTicket(data.ticket);
    }
    runHooks("event", message);
  }

  function upsertCounter(view, closedFor) {
    const index = state.counters.findIndex((c) => c.id === view.id);
    if (index >= 0) state.counters[index] = view;
    else state.counters.push(view);
    if (view.id === state.counterId) {
      state.counter = view;
      if (!stillHere(closedFor)) return;
    }
    render();
  }

  // A ticket's new status tells which counter holds it now, and which one let it go.
  function applyTicket(ticket) {
    const holders = state.counter ? [state.counter, ...state.counters] : state.counters;
    holders.forEach((c) => {
      if (ACTIVE.includes(ticket.status) && ticket.counter_id === c.id) c.current_ticket = ticket;
      else if (c.current_ticket && c.current_ticket.id === ticket.id) c.current_ticket = null;
    });
    render();
  }

  function setCurrent(ticket) {
    if (!state.counter) return;
    state.counter.current_ticket = ticket && ACTIVE.includes(ticket.status) ? ticket : null;
    render();
  }

  // ---------------------------------------------------------------- actions
  function post(path, body) {
    return api("POST", counterPath(path), body || {});
  }

  const perform = {
    async call_next() {
      const result = await post("call-next", {});
      setCurrent(result.ticket);
      info("msg.called", { number: result.ticket.number });
    },
    async complete_next() {
      const result = await post("call-next", { complete_current: true });
      setCurrent(result.ticket);
      if (result.ticket) info("msg.called", { number: result.ticket.number });
      else info("msg.completed_empty", { number: result.completed.number });
    },
    async recall() {
      const ticket = await post("recall");
      setCurrent(ticket);
      info("msg.recalled", { number: ticket.number });
    },
    async start() {
      const ticket = await post("start");
      setCurrent(ticket);
      info("msg.started", { number: ticket.number });
    },
    async complete() {
      const ticket = await post("complete");
      setCurrent(null);
      info("msg.completed", { number: ticket.number });
    },
    async no_show() {
      const box = $("ct-requeue");
      const ticket = await post("no-show", { requeue: box.checked });
      box.checked = false;
      setCurrent(null);
      info(ticket.status === "waiting" ? "msg.requeued" : "msg.no_show", { number: ticket.number });
    },
    async transfer() {
      openTransfer();
    },
    async pause() {
      if (state.counter.state !== "paused") {
        openPause();
        return;
      }
      state.counter = await post("resume");
      render();
      info("msg.resumed");
    },
  };

  // Why an action cannot be done now (a message key), or null. Buttons are disabled for these;
  // a shortcut key says why instead of doing nothing.
  function blocked(action) {
    const c = state.counter;
    if (!c) return "connecting";
    if (c.state === "closed") return "err.counter_closed";
    const current = c.current_ticket;
    switch (action) {
      case "call_next":
        if (c.state === "paused") return "err.counter_paused";
        if (current) return "err.counter_busy";
        // The list of callable tickets, once known: nobody waiting means nothing to call.
        return state.callable && !state.callable.length ? "err.queue_empty" : null;
      case "complete_next":
        if (c.state === "paused") return "err.counter_paused";
        return current ? null : "err.no_current_ticket";
      case "recall":
      case "start":
      case "no_show":
        if (!current) return "err.no_current_ticket";
        return current.status === "called" ? null : "err.illegal_transition";
      case "complete":
      case "transfer":
        return current ? null : "err.no_current_ticket";
      default:
        return null;
    }
  }

  // A key pressed while the hub still answers the last action (a teller who calls and at once presses
  // T to transfer) runs when that answer arrives, not lost; the same action twice is one press.
  let running = null;
  let pending = null;
  async function run(action) {
    if (state.busy) {
      if (action !== running) pending = action;
      return;
    }
    const why = blocked(action);
    // "Nobody waiting" comes from a list that may be a moment old: a shortcut still asks the hub.
    if (why && why !== "err.queue_empty") {
      refuse(why);
      return;
    }
    state.busy = true;
    running = action;
    try {
      await perform[action]();
    } catch (err) {
      refuseError(err);
    } finally {
      state.busy = false;
      running = null;
      renderActions();
    }
    const next = pending;
    pending = null;
    if (next) await run(next);
  }

  document.querySelectorAll(".ct-act").forEach((button) => {
    button.addEventListener("click", () => run(button.dataset.action));
  });

  // Letters typed into a field are text, not shortcuts; a checkbox or a button is not a field.
  function typing(target) {
    if (!target || !target.closest) return false;
    if (target.closest("textarea, select, [contenteditable]")) return true;
    return target.tagName === "INPUT" && !["checkbox", "radio", "button", "submit"].includes(target.type);
  }

  document.addEventListener("keydown", (event) => {
    if (state.view !== "work" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector("dialog[open]")) return;
    if (typing(event.target)) return;
    if (event.key === " " && event.target.tagName === "INPUT") return; // Space ticks a focused checkbox
    const key = event.key.length === 1 ? event.key.toUpperCase() : event.key;
    const action = keyMap.get(key);
    if (!action) return;
    event.preventDefault(); // F1 help, page scroll on Space, a focused button's own Space click
    if (!event.repeat) run(action);
  });
  // A focused button would also "click" on the Space key's keyup: the shortcut already ran.
  document.addEventListener("keyup", (event) => {
    if (event.key === " " && state.view === "work" && event.target.tagName === "BUTTON"
        && !document.querySelector("dialog[open]")) event.preventDefault();
  });

  // ---------------------------------------------------------------- close the counter
  async function closeCounter({ thenChoose = true } = {}) {
    if (!state.counter) return true;
    const number = state.counter.number;
    try {
      await post("close");
    } catch (err) {
      if (err.status === 401) return false;
      refuseError(err);
      return false;
    }
    if (thenChoose) {
      await openChooser();
      info("msg.closed", { counter: number });
    }
    return true;
  }

  $("ct-close").addEventListener("click", () => closeCounter());

  // ---------------------------------------------------------------- dialogs
  document.querySelectorAll("dialog [data-close]").forEach((button) => {
    button.addEventListener("click", () => button.closest("dialog").close());
  });

  function dialogError(id, key) {
    const el = $(id);
    el.hidden = !key;
    el.textContent = key ? t(key) : "";
  }

  const pauseForm = $("ct-pause-form");
  function openPause() {
    pauseForm.reset();
    dialogError("ct-pause-error", null);
    $("ct-pause-dialog").showModal();
  }
  $("ct-reason-text").addEventListener("input", () => {
    pauseForm.querySelector('input[value="other"]').checked = true;
  });
  pauseForm.addEventListener("change", (event) => {
    if (event.target.name === "reason" && event.target.value === "other") $("ct-reason-text").focus();
  });
  pauseForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const choice = new FormData(pauseForm).get("reason");
    const reason = choice === "other" ? $("ct-reason-text").value.trim() : choice;
    if (!reason) {
      dialogError("ct-pause-error", "err.pause_reason_required");
      $("ct-reason-text").focus();
      return;
    }
    try {
      state.counter = await post("pause", { reason });
    } catch (err) {
      dialogError("ct-pause-error", errorKey(err));
      return;
    }
    $("ct-pause-dialog").close();
    render();
    info("msg.paused");
  });

  const transferForm = $("ct-transfer-form");
  // Each target with its state and what already waits there; a closed counter cannot be chosen
  // (the hub refuses it too): the service queue is the explicit alternative.
  async function openTransfer() {
    const current = state.counter.current_ticket;
    let targets;
    try {
      targets = await api("GET", counterPath("transfer-targets"));
    } catch (err) {
      refuseError(err);
      return;
    }
    $("ct-transfer-title").textContent = t("transfer_title", { number: current.number });
    $("ct-to-service").replaceChildren(
      h("option", { value: "" }, t("same_service")),
      ...targets.services.map((row) => h("option", { value: row.service },
        `${row.service} · ${serviceName(row)} · ${t("target_waiting", { n: row.waiting })} · `
        + t("target_open", { n: row.counters_open }))),
    );
    $("ct-to-counter").replaceChildren(
      h("option", { value: "" }, t("any_counter")),
      ...targets.counters.map((c) => h("option", { value: String(c.number), disabled: !c.accepts,
                                                   dataset: { state: c.state } },
        [t("counter_n", { counter: c.number }), t("state." + c.state), c.staff_name || "",
         c.accepts ? t("target_waiting", { n: c.waiting }) : t("target_closed")].filter(Boolean).join(" · "))),
    );
    $("ct-transfer-note").value = "";
    dialogError("ct-transfer-error", null);
    $("ct-transfer-dialog").showModal();
  }
  transferForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    if ($("ct-to-service").value) body.to_service = $("ct-to-service").value;
    if ($("ct-to-counter").value) body.to_counter = Number($("ct-to-counter").value);
    if ($("ct-transfer-note").value.trim()) body.note = $("ct-transfer-note").value.trim();
    if (!body.to_service && body.to_counter === undefined) {
      dialogError("ct-transfer-error", "err.transfer_target_missing");
      return;
    }
    let result;
    try {
      result = await post("transfer", body);
    } catch (err) {
      dialogError("ct-transfer-error", errorKey(err));
      return;
    }
    $("ct-transfer-dialog").close();
    setCurrent(null);
    info("msg.transferred", { number: result.ticket.number });
  });

  // ---------------------------------------------------------------- rendering the work view
  function render() {
    if (state.view !== "work") return;
    renderHeader();
    renderPaused();
    renderTicket();
    renderActions();
    renderQueue();
    renderOthers();
    runHooks("render");
  }

  function renderPaused() {
    const c = state.counter;
    const paused = !!c && c.state === "paused";
    $("ct-paused").hidden = !paused;
    document.body.dataset.counterState = c ? c.state : "";
    if (paused) {
      $("ct-paused-reason").textContent = t("paused_banner", { reason: reasonLabel(c.pause_reason) });
      tickTimers();
    }
  }

  function renderTicket() {
    const box = $("ct-ticket");
    const ticket = state.counter && state.counter.current_ticket;
    if (!ticket) {
      box.replaceChildren(h("p", { class: "ct-empty" }, t(emptyText())));
      box.dataset.status = "";
      return;
    }
    box.dataset.status = ticket.status;
    const badges = [];
    if (ticket.priority && ticket.priority !== "normal") {
      badges.push(h("span", { class: "ct-badge priority-" + ticket.priority }, t("priority." + ticket.priority)));
    }
    if (ticket.transferred_from_id) badges.push(h("span", { class: "ct-badge" }, t("transferred_in")));
    if (ticket.channel === "appointment") badges.push(h("span", { class: "ct-badge appointment" }, t("appointment")));
    if (ticket.channel === "remote") badges.push(h("span", { class: "ct-badge remote" }, t("remote_ticket")));
    if (ticket.recall_count) badges.push(h("span", { class: "ct-badge" }, t("recalled_n", { n: ticket.recall_count })));
    const serving = ticket.status === "serving";
    const note = ticket.note ? h("p", { class: "ct-note", id: "ct-note" }, t("note_from", { note: ticket.note })) : null;
    box.replaceChildren(
      h("div", { class: "ct-ticket-head" },
        h("p", { class: "ct-number", id: "ct-number" }, ticket.number),
        h("div", { class: "ct-ticket-info" },
          h("p", { class: "ct-service" }, ticketService(ticket)),
          h("p", { class: "ct-status status-" + ticket.status }, t("status." + ticket.status)),
          badges.length ? h("p", { class: "ct-badges" }, badges) : null)),
      h("p", { class: "ct-timer" },
        h("span", { class: "ct-timer-label" }, t(serving ? "since_started" : "since_called")),
        h("time", { id: "ct-timer", class: "ct-timer-value",
                    dataset: { since: serving && ticket.started_at ? ticket.started_at : ticket.called_at } })),
      ...(note ? [note] : []),
    );
    tickTimers();
  }

  // What an empty counter card says must match what the buttons allow.
  function emptyText() {
    const c = state.counter;
    if (!c) return "connecting";
    if (c.state === "paused") return "no_ticket_paused";
    if (state.callable && !state.callable.length) return "no_ticket_nobody";
    return "no_ticket";
  }

  function renderActions() {
    document.querySelectorAll(".ct-act").forEach((button) => {
      button.disabled = !!blocked(button.dataset.action);
    });
    const paused = state.counter && state.counter.state === "paused";
    const label = $("ct-act-pause").querySelector(".ct-act-label");
    label.dataset.i18n = paused ? "act.resume" : "act.pause";
    label.textContent = t(label.dataset.i18n);
    $("ct-act-pause").classList.toggle("is-resume", !!paused);
    // Closing needs an empty counter (the engine refuses counter_busy): say so before the click.
    const holding = !!(state.counter && state.counter.current_ticket);
    $("ct-close").disabled = holding;
    $("ct-close").title = holding ? t("err.counter_busy") : "";
  }

  function renderQueue() {
    if (!state.counter) return;
    const rows = new Map(state.services.map((row) => [row.service, row]));
    const mine = state.counter.services.map((code) => rows.get(code)).filter(Boolean);
    // Count what this counter may call (callable.js), not every ticket of the service: one transferred
    // to another counter waits in the service too, but not for this one. Offline, the page shows what it
    // last heard from the room, as everywhere else on it.
    const live = state.callable && state.status === "online";
    const waiting = (row) => (live ? state.callable.filter((x) => x.service === row.service).length : row.waiting);
    $("ct-queue").replaceChildren(
      ...mine.map((row) =>
        h(
          "li",
          { class: "ct-q level-" + (row.alert_level || "ok"), dataset: { service: row.service } },
          h("span", { class: "ct-q-code", "aria-hidden": "true" }, row.service),
          h("span", { class: "ct-q-name" }, serviceName(row)),
          h("span", { class: "ct-q-count" }, waiting(row) ? t("waiting_count", { n: waiting(row) }) : t("nobody_waiting")),
          waiting(row)
            ? h("span", { class: "ct-q-detail" },
              t("longest_wait", { min: Math.floor((row.longest_wait_s || 0) / 60) }),
              row.estimated_wait_s != null // null: no open counter serves it, no promise
                ? [" · ", t("est_wait", { min: cf.ui.minutes(row.estimated_wait_s) })] : null)
            : null,
        ),
      ),
    );
  }

  function renderOthers() {
    const others = state.counters.filter((c) => c.id !== state.counterId).sort((a, b) => a.number - b.number);
    $("ct-others").replaceChildren(
      ...others.map((c) =>
        h(
          "li",
          { class: "ct-other state-" + c.state, dataset: { counter: c.number } },
          h("span", { class: "ct-other-name" }, t("counter_n", { counter: c.number })),
          h("span", { class: "ct-state-badge state-" + c.state }, t("state." + c.state)),
          h("span", { class: "ct-other-staff" }, c.staff_name || ""),
          h("span", { class: "ct-other-ticket" }, c.current_ticket ? c.current_ticket.number : ""),
        ),
      ),
    );
  }

  function tickTimers() {
    const timer = $("ct-timer");
    if (timer && timer.dataset.since) timer.textContent = duration(timer.dataset.since);
    const c = state.counter;
    if (c && c.state === "paused" && c.paused_at) {
      $("ct-paused-for").textContent = t("paused_for", { time: duration(c.paused_at) });
    }
  }
  setInterval(tickTimers, 1000);

  // ---------------------------------------------------------------- language
  function setLocale(locale) {
    cf.i18n.setLocale(locale);
    document.querySelectorAll(".ct-lang button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.locale === cf.i18n.locale));
    });
    document.cookie = `cf_lang=${cf.i18n.locale}; path=/; max-age=31536000; samesite=lax`;
  }
  document.querySelectorAll(".ct-lang button").forEach((b) => {
    b.addEventListener("click", () => setLocale(b.dataset.locale));
  });
  cf.i18n.onChange(() => {
    renderHeader();
    renderMessage();
    if (state.view === "choose") renderChooser();
    render();
  });

  // ---------------------------------------------------------------- start
  const banner = cf.ui.connectionBanner();

  // The running timers count from the hub's timestamps: measure how far this PC's clock is off.
  fetch("/healthz", { cache: "no-store" })
    .then((response) => {
      const hubTime = Date.parse(response.headers.get("Date") || "");
      const offset = hubTime - Date.now();
      if (Number.isFinite(offset) && Math.abs(offset) > 3000) state.clockOffsetMs = offset;
    })
    .catch(() => {});

  // Plug-ins take their shared names from here: `const { cf, h, t, $, state } = ct;`.
  window.counterflowCounter = {
    cf, h, $, state, hooks, api, counterPath, info, refuse, refuseError, blocked, setCurrent, serviceName, t, render,
    get busy() {
      return state.busy;
    },
    set busy(value) {
      state.busy = value;
    },
    get client() {
      return client;
    },
  };
  session.restore();
})();
