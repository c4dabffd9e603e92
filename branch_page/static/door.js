/* The door poster's page: every remote ticket this phone holds for the branch is checked in. */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const remote = window.CounterFlowRemote;
  const page = cf.page;
  const h = cf.ui.h;
  const t = (key, values) => cf.i18n.t(key, values);
  const box = document.getElementById("bp-door");
  const state = { done: [], failed: false, finished: false };

  function render() {
    document.getElementById("bp-branch").textContent = cf.i18n.name(page.branch);
    if (!state.finished) return;
    const children = state.done.map((ticket) => h("div", { class: "bp-done" },
      h("p", { class: "bp-done-text" }, t("door_done", { number: ticket.number })),
      h("a", { class: "cf-button primary", href: "/t/" + ticket.token }, t("door_open_ticket"))));
    if (!state.done.length) children.push(h("p", { class: "bp-none" }, t(state.failed ? "door_failed" : "door_none")));
    box.replaceChildren(...children);
  }

  async function checkIn() {
    for (const token of remote.tokens(page.tokens_key)) {
      try {
        const ticket = await remote.send("POST", page.check_in.replace("{token}", token), { door_key: page.door_key });
        state.done.push({ number: ticket.number, token });
      } catch (err) {
        if (err.code === "already_checked_in") { // scanned twice: still say so, with the number
          const ticket = await remote.send("GET", "/api/v1/public/tickets/" + token).catch(() => null);
          if (ticket && ticket.status === "waiting") state.done.push({ number: ticket.number, token });
          continue;
        }
        if (err.code === "ticket_not_found" || err.code === "illegal_transition" || err.code === "day_closed") {
          remote.forget(page.tokens_key, token); // over: nothing to check in any more
        } else {
          state.failed = true;
        }
      }
    }
    state.finished = true;
    render();
  }

  cf.ui.languageButtons(render);
  render();
  checkIn();
})();
