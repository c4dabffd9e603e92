/* Ticket page: the customer's own ticket, live; sound and vibration when it is called. */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const page = cf.page;
  const h = cf.ui.h;
  const t = (key, values) => cf.i18n.t(key, values);
  const $ = (id) => document.getElementById(id);

  const state = { ticket: page.initial, alerted: new Set(), alertsOn: false, rating: "open" };
  const RATED_KEY = "counterflow.rated." + page.initial.number + "." + page.initial.business_day;
  if (cf.storage.get(RATED_KEY)) state.rating = "done";
  const alertKey = (ticket) => [ticket.number, ticket.called_at, ticket.recall_count].join("|");
  const baseTitle = document.title;

  function render() {
    const ticket = state.ticket;
    $("tp-branch").textContent = cf.i18n.name(page.branch);
    $("tp-number").textContent = ticket.number;
    $("tp-service").textContent = cf.i18n.name(ticket, "service_");
    const box = $("tp-status");
    box.dataset.status = ticket.status;
    let children;
    if (ticket.status === "waiting") {
      children = [
        h("p", { class: "tp-ahead" }, t("people_ahead", { n: ticket.people_ahead ?? 0 })),
        // null: no open counter serves the service now, so no time is promised.
        h("p", { class: "tp-wait" }, ticket.estimated_wait_s == null ? t("no_counter_open")
          : !ticket.estimated_wait_s ? t("no_wait")
            : cf.ui.underAMinute(ticket.estimated_wait_s) ? t("wait_under_minute")
              : t("estimated_wait", { min: cf.ui.minutes(ticket.estimated_wait_s) })),
      ];
    } else if (ticket.status === "called") {
      children = [
        h("p", { class: "tp-turn" }, t("your_turn")),
        h("p", { class: "tp-go" }, t("please_go", { counter: ticket.counter })),
        ticket.recall_count ? h("p", { class: "tp-again" }, t("called_again")) : null,
      ];
    } else if (ticket.status === "serving") {
      children = [h("p", { class: "tp-serving" }, t("serving", { counter: ticket.counter }))];
    } else {
      children = [h("p", { class: "tp-final" }, t("status." + ticket.status))];
    }
    box.replaceChildren(...children.filter(Boolean)); // (replaceChildren would print a null)
    document.title = ticket.status === "called" ? t("please_go", { counter: ticket.counter }) : baseTitle;
    $("tp-alerts").hidden = state.alertsOn || !["waiting", "called"].includes(ticket.status);
    $("tp-alerts-on").hidden = !state.alertsOn;
    renderRating(ticket);
    // The remote queue's part of the page follows the same ticket (remote_ticket.js).
    document.dispatchEvent(new CustomEvent("counterflow:ticket", { detail: ticket }));
  }

  // Once served, the customer may rate this ticket once (the hub refuses a second one, or a late one).
  function renderRating(ticket) {
    const box = $("tp-rate");
    box.hidden = ticket.status !== "done" || state.rating === "closed";
    const scores = [1, 2, 3, 4, 5].map((n) => {
      const button = h("button", { type: "button", class: "cf-button tp-rate-score", "aria-label": t("rate_score", { n }) },
        String(n));
      button.disabled = state.rating !== "open";
      button.addEventListener("click", () => rate(n));
      return button;
    });
    $("tp-rate-scores").replaceChildren(...scores);
    $("tp-comment-row").hidden = state.rating !== "open"; // the comment book takes it with the rating
    $("tp-rate-result").textContent = state.rating === "done" ? t("rate_thanks")
      : state.rating === "failed" ? t("rate_failed") : "";
  }

  async function rate(score) {
    state.rating = "sending";
    render();
    try {
      const comment = $("tp-comment").value.trim();
      await cf.api.request("POST", page.rating.path, { body: comment ? { score, comment } : { score } });
      state.rating = "done";
    } catch (err) {
      state.rating = err.code === "already_rated" ? "done" : err.code === "rating_closed" ? "closed" : "failed";
      if (state.rating === "failed" && err.status === 0) state.rating = "open"; // offline: try again
    }
    if (state.rating === "done") cf.storage.set(RATED_KEY, "1");
    render();
  }

  function update(ticket) {
    state.ticket = Object.assign({}, state.ticket, ticket);
    const now = state.ticket;
    if (now.status === "called" && !state.alerted.has(alertKey(now))) {
      state.alerted.add(alertKey(now));
      cf.sound.chime();
      cf.sound.vibrate([400, 150, 400, 150, 800]);
    }
    render();
  }

  // Calls already made when the page opened are not news.
  if (state.ticket.status === "called") state.alerted.add(alertKey(state.ticket));

  $("tp-alerts").addEventListener("click", () => {
    cf.sound.unlock().then(() => {
      state.alertsOn = true;
      cf.sound.vibrate(60); // the tap itself unlocks vibration on phones that allow it
      render();
    });
  });

  cf.ui.languageButtons(render);

  const banner = cf.ui.connectionBanner();
  const client = cf.connect({
    join: page.join,
    onSnapshot: (snapshot) => update(snapshot.ticket),
    // Only this ticket's own events arrive here (the rest is fetched as a snapshot right after).
    onEvent: (message) => {
      if (message.data && message.data.ticket) update(message.data.ticket);
    },
    onStatus: banner,
  });

  window.counterflowTicket = { state, client };
  render();
})();
