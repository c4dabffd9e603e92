/* Supervisor panel, branch agents (`counterflow agent` on a branch PC): linked or not, version, last
 * seen, devices. Loaded after devices.js; plugs in through panel.js's hooks.
 *
 * An agent's link is not an event of the branch: the list is read at each snapshot, after any device
 * event (an agent that drops or returns changes its devices' states and raises or clears its fault),
 * and every 15 s while the devices tab is open.
 */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const sv = window.counterflowSupervisor;
  const page = cf.page;
  const h = cf.ui.h;
  const { state, api, t, clock, badge, refuseError } = sv;
  const REFRESH_MS = 15000;
  let loading = null;

  async function loadAgents() {
    if (loading) return loading;
    loading = (async () => {
      try {
        state.agents = (await api("GET", page.api.agents)).agents;
        renderAgents();
      } catch (err) {
        if (state.auth) refuseError(err);
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  function renderAgents() {
    const body = document.getElementById("sv-agents").tBodies[0];
    const agents = state.agents || [];
    if (!agents.length) {
      body.replaceChildren(h("tr", {}, h("td", { colspan: "5", class: "sv-empty" }, t("no_agents"))));
      return;
    }
    body.replaceChildren(
      ...agents.map((a) => {
        const status = a.online ? "online" : "offline";
        return h(
          "tr",
          { class: "agent-" + status, dataset: { agent: a.name, state: status } },
          h("th", { scope: "row" }, a.name),
          h("td", {}, badge(a.online ? "device-online" : "device-not_responding", t("agent." + status))),
          h("td", {}, a.version || ""),
          h("td", {}, clock(a.last_seen_at, true)),
          h("td", { class: "sv-detail" }, a.devices.join(", ")),
        );
      }),
    );
  }

  sv.hooks.snapshot.push(() => loadAgents());
  sv.hooks.event.push((message) => {
    if (message.event.startsWith("device.")) loadAgents();
  });
  sv.hooks.locale.push(() => renderAgents());
  setInterval(() => {
    const pane = document.getElementById("sv-pane-devices");
    if (state.auth && pane && !pane.hidden) loadAgents();
  }, REFRESH_MS);
})();
