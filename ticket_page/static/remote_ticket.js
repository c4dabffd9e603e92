/* The ticket page's remote part: "not checked in" until the door or the kiosk checks the ticket in, a
 * nudge when it is a few places from the front (sound, vibration, a notification where allowed), a
 * notification when called, and the rejoin button after a missed call (docs/architecture.md,
 * "Remote queue"). ticket.js announces every render with a `counterflow:ticket` event. */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const page = cf.page;
  const remote = page.remote || {};
  const t = (key, values) => cf.i18n.t(key, values);
  const $ = (id) => document.getElementById(id);
  const token = (page.join || {}).token;
  const NUDGED_KEY = "counterflow.nudged." + token;
  const TOKENS_KEY = "counterflow.remote." + page.branch.code;
  const state = { ticket: null, notified: new Set(), rejoin: "open" };
  if (cf.storage.get(NUDGED_KEY)) state.notified.add("near");

  function notify(kind, text) {
    // The Notification API only where the customer allowed it; sound and vibration always.
    if (window.Notification && Notification.permission === "granted") {
      try {
        new Notification(text, { tag: "counterflow-" + kind });
      } catch (err) {
        /* some phones allow notifications only from a service worker: the page itself still shows it */
      }
    }
  }

  function remember() {
    // The door poster's page checks in the tickets this phone holds for the branch.
    try {
      const list = JSON.parse(cf.storage.get(TOKENS_KEY) || "[]").filter((x) => x !== token);
      list.push(token);
      cf.storage.set(TOKENS_KEY, JSON.stringify(list.slice(-5)));
    } catch (err) {
      cf.storage.set(TOKENS_KEY, JSON.stringify([token]));
    }
  }

  function render() {
    const ticket = state.ticket;
    if (!ticket) return;
    const isRemote = ticket.channel === "remote";
    const waiting = ticket.status === "waiting";
    $("tp-remote").hidden = !isRemote || !["waiting", "called"].includes(ticket.status);
    $("tp-check-in").textContent = ticket.awaiting_check_in ? t("not_checked_in") : t("checked_in");
    $("tp-check-in").dataset.awaiting = String(!!ticket.awaiting_check_in);
    const near = isRemote && waiting && ticket.people_ahead != null && ticket.people_ahead <= remote.nudge_places;
    $("tp-near").hidden = !near;
    $("tp-near").textContent = near ? t("near", { n: ticket.people_ahead }) : "";
    $("tp-notify").hidden = !(window.Notification && Notification.permission === "default");
    const rejoin = $("tp-rejoin");
    rejoin.hidden = ticket.status !== "no_show" || !remote.rejoin_window_s;
    $("tp-rejoin-button").disabled = state.rejoin !== "open";
    $("tp-rejoin-result").textContent = state.rejoin === "closed" ? t("rejoin_closed")
      : state.rejoin === "failed" ? t("rejoin_failed") : "";
  }

  function update(ticket) {
    state.ticket = ticket;
    if (ticket.channel === "remote" && ticket.awaiting_check_in) remember();
    // The nudge is the remote queue's: a ticket from the kiosk has its customer in the hall already.
    const near = ticket.channel === "remote" && ticket.status === "waiting" && ticket.people_ahead != null
      && ticket.people_ahead <= remote.nudge_places;
    if (near && !state.notified.has("near")) {
      state.notified.add("near");
      cf.storage.set(NUDGED_KEY, "1");
      cf.sound.chime();
      cf.sound.vibrate([200, 100, 200]);
      notify("near", t("near", { n: ticket.people_ahead }));
    }
    if (ticket.channel === "remote" && ticket.status === "called" && !state.notified.has("called:" + ticket.called_at)) {
      state.notified.add("called:" + ticket.called_at);
      notify("called", t("please_go", { counter: ticket.counter })); // ticket.js chimes and vibrates
    }
    render();
  }

  document.addEventListener("counterflow:ticket", (event) => update(event.detail));
  cf.i18n.onChange(render);

  $("tp-notify").addEventListener("click", () => {
    Notification.requestPermission().then(render, render);
  });

  $("tp-rejoin-button").addEventListener("click", async () => {
    state.rejoin = "sending";
    render();
    try {
      const ticket = await cf.api.request("POST", remote.rejoin_path, { body: {} });
      window.location.assign("/t/" + ticket.tracking_token);
      return;
    } catch (err) {
      state.rejoin = err.code === "rejoin_window_passed" || err.code === "already_rejoined" ? "closed" : "failed";
      if (err.status === 0) state.rejoin = "open";
    }
    render();
  });

  // A called ticket when the page opened is not news; neither is a nudge already given.
  if (page.initial && page.initial.status === "called") state.notified.add("called:" + page.initial.called_at);
  window.counterflowRemoteTicket = { state };
})();
