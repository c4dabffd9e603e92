/* Supervisor panel, fault handling beyond the open list: report a fault by hand, the fault history of
 * a period with its investigation (seed 4-8: cause, responsibility, follow-up), and the fault report
 * as CSV and as a printed page. Loaded after devices.js; plugs in through the panel's hooks.
 *
 * The history is the fault report's JSON (GET …/reports/faults); it is read again when a fault event
 * arrives while it is shown, so it never goes stale.
 */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const sv = window.counterflowSupervisor;
  const page = cf.page;
  const h = cf.ui.h;
  const $ = (id) => document.getElementById(id);
  const { state, api, t, info, refuseError, errorKey, dialogError, pathWith } = sv;

  // ---------------------------------------------------------------- report a fault by hand
  function renderDeviceChoice() {
    const select = $("sv-report-device");
    const chosen = select.value;
    const devices = [...(state.devices || [])].sort((a, b) => (a.name < b.name ? -1 : 1));
    select.replaceChildren(
      h("option", { value: "" }, t("report_no_device")),
      ...devices.map((d) => h("option", { value: String(d.id) }, d.name)),
    );
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  }

  $("sv-report-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const message = $("sv-report-message").value.trim();
    if (!message) {
      dialogError("sv-report-error", "err.message_required");
      return;
    }
    const body = { message, severity: $("sv-report-severity").value, branch: page.branch.code };
    if ($("sv-report-device").value) body.device = Number($("sv-report-device").value);
    try {
      await api("POST", page.api.fault_report, body);
      dialogError("sv-report-error", null);
      $("sv-report-form").reset();
      info("msg.fault_reported"); // the open list gets it from its device.fault event
    } catch (err) {
      dialogError("sv-report-error", errorKey(err));
    }
  });

  // ---------------------------------------------------------------- fault history
  const history = { report: null, loading: false, again: false };

  function period() {
    return { from: $("sv-history-from").value || page.month_start, to: $("sv-history-to").value || page.today };
  }
  const periodQuery = () => new URLSearchParams(period()).toString();

  async function loadHistory() {
    if (history.loading) {
      history.again = true; // an event during a load: read once more after it
      return;
    }
    history.loading = true;
    try {
      history.report = await api("GET", `${page.api.fault_history}?${periodQuery()}`);
      renderHistory();
    } catch (err) {
      if (state.auth) refuseError(err);
    } finally {
      history.loading = false;
      if (history.again) {
        history.again = false;
        loadHistory();
      }
    }
  }

  const who = (label) => sv.who(label);
  const local = (text) => (text ? text.slice(5) : ""); // "2026-12-01 09:30" -> "12-01 09:30"

  function rowText(row) {
    return sv.faultText({ source: row.source, code: row.code, message: row.description, device: null });
  }

  function handling(row) {
    const parts = [];
    if (row.contingency) parts.push(h("p", {}, t("fault_contingency", { text: row.contingency })));
    if (row.resolved_at) {
      parts.push(h("p", {}, t("fault_resolved_by", { time: local(row.resolved_at), name: who(row.resolved_by),
                                                      text: row.resolve_note || "" })));
    } else {
      parts.push(h("p", {}, sv.badge("severity-fault", t("fault_open_now"))));
    }
    if (row.override_reason) {
      parts.push(h("p", { class: "sv-bad sv-override" }, t("fault_overridden", { text: row.override_reason })));
    }
    parts.push(h("p", { class: "sv-muted" }, t("fault_out_of_service", { min: row.minutes_out_of_service })));
    return parts;
  }

  function investigation(row) {
    if (!row.resolved_at) return "—";
    const button = h("button", { type: "button", class: "cf-button", dataset: { act: "investigate" },
                                 onclick: () => openInvestigation(row) },
                     t(row.investigated_at ? "investigate_edit" : "investigate"));
    if (!row.investigated_at) return [h("p", { class: "sv-bad" }, t("investigation_missing")), button];
    return [
      h("p", {}, t("investigation_text", { cause: row.cause, responsibility: row.responsibility,
                                           follow_up: row.follow_up })),
      h("p", { class: "sv-muted" }, t("investigated_by", { time: local(row.investigated_at),
                                                          name: who(row.investigated_by) })),
      button,
    ];
  }

  function renderHistory() {
    const body = $("sv-history").tBodies[0];
    const r = history.report;
    if (!r) {
      body.replaceChildren();
      return;
    }
    const totals = r.totals;
    $("sv-history-summary").textContent = t("fault_report_totals", {
      n: totals.faults, open: totals.open, overridden: totals.overridden, uninvestigated: totals.not_investigated,
      min: totals.minutes_out_of_service, tickets: totals.tickets_not_printed });
    if (!r.faults.length) {
      body.replaceChildren(h("tr", {}, h("td", { colspan: "5", class: "sv-empty" }, t("history_empty"))));
      return;
    }
    const rows = [...r.faults].reverse(); // newest first
    body.replaceChildren(
      ...rows.map((row) =>
        h(
          "tr",
          { dataset: { fault: row.id, open: String(!row.resolved_at) } },
          h("td", {}, local(row.raised_at), h("br"), h("span", { class: "sv-muted" }, who(row.raised_by))),
          h("th", { scope: "row" }, row.device || "—"),
          h("td", { class: "sv-history-fault" }, sv.badge("severity-" + row.severity, t("severity." + row.severity)),
            " ", rowText(row)),
          h("td", {}, ...handling(row)),
          h("td", { class: "sv-history-investigation" }, ...[].concat(investigation(row))),
        ),
      ),
    );
  }

  $("sv-history-show").addEventListener("click", loadHistory);

  // The CSV comes through the API with the bearer token, then is saved from the page.
  $("sv-history-csv").addEventListener("click", async () => {
    try {
      const response = await fetch(`${page.api.fault_history}?${periodQuery()}&format=csv`, {
        headers: { Authorization: `Bearer ${state.auth.token}` } });
      if (!response.ok) throw Object.assign(new Error("csv"), { code: "other", status: response.status });
      const url = URL.createObjectURL(await response.blob());
      const { from, to } = period();
      const link = h("a", { href: url, download: `counterflow-${page.branch.code}-faults-${from}-${to}.csv` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (err) {
      refuseError(err);
    }
  });

  $("sv-history-form").addEventListener("submit", (event) => {
    const form = event.target;
    if (!state.auth) {
      event.preventDefault();
      return;
    }
    form.elements.token.value = state.auth.token;
    form.elements.lang.value = page.languages[cf.i18n.locale].html;
    // The token leaves the page only in this POST; clear it from the form right after.
    setTimeout(() => {
      form.elements.token.value = "";
    }, 0);
  });

  // ---------------------------------------------------------------- investigation (seed 4-8)
  let investigating = null;
  function openInvestigation(row) {
    investigating = row;
    $("sv-investigate-form").reset();
    $("sv-investigate-what").textContent = `#${row.id} · ${row.device ? row.device + " · " : ""}${rowText(row)}`;
    $("sv-investigate-cause").value = row.cause || "";
    $("sv-investigate-responsibility").value = row.responsibility || "";
    $("sv-investigate-follow-up").value = row.follow_up || "";
    dialogError("sv-investigate-error", null);
    $("sv-investigate-dialog").showModal();
  }

  $("sv-investigate-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      cause: $("sv-investigate-cause").value.trim(),
      responsibility: $("sv-investigate-responsibility").value.trim(),
      follow_up: $("sv-investigate-follow-up").value.trim(),
    };
    if (!body.cause || !body.responsibility || !body.follow_up) {
      dialogError("sv-investigate-error", "err.investigation_incomplete");
      return;
    }
    try {
      await api("POST", pathWith(page.api.fault_investigate, investigating.id), body);
      $("sv-investigate-dialog").close();
      info("msg.fault_investigated");
      loadHistory();
    } catch (err) {
      dialogError("sv-investigate-error", errorKey(err));
    }
  });

  // ---------------------------------------------------------------- hooks
  sv.afterDevices = (sv.afterDevices || []).concat([renderDeviceChoice]); // devices.js loaded or changed them
  sv.hooks.snapshot.push(() => loadHistory());
  sv.hooks.event.push((message) => {
    if (message.event.startsWith("device.fault")) loadHistory();
  });
  sv.hooks.locale.push(() => {
    renderDeviceChoice();
    renderHistory();
  });
})();
