/* Supervisor panel, devices: their states, device faults (acknowledge with the contingency, resolve
 * with a note) and the opening check (開業登記). Loaded after panel.js; plugs in through its hooks.
 *
 * Devices, faults and the opening record are not in the room's snapshot: they are read from the API at
 * each snapshot (connect, reconnect, seq gap) and then kept by their events.
 */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const sv = window.counterflowSupervisor;
  const page = cf.page;
  const h = cf.ui.h;
  const $ = (id) => document.getElementById(id);
  const { state, api, t, info, refuseError, errorKey, clock, who, dialogError, upsert, badge, pathWith } = sv;

  // ---------------------------------------------------------------- devices and faults
  // Device events that arrive while the lists load may be newer than what the load returns: each
  // load keeps them and applies them again on top of its answer (applying one twice changes nothing).
  const loadingBuffers = new Set();

  async function loadDevices() {
    const missed = [];
    loadingBuffers.add(missed);
    try {
      const [devices, faults, opening] = await Promise.all([
        api("GET", page.api.devices), api("GET", page.api.faults), api("GET", page.api.opening),
      ]);
      state.devices = devices.devices;
      state.faults = faults.faults;
      state.opening = opening.opening;
      missed.forEach(([name, data]) => onDeviceEvent(name, data));
      renderDevices();
      renderFaults();
      renderOpening();
      sv.renderLive(); // device-fault alerts are worded from their fault
      (sv.afterDevices || []).forEach((fn) => fn());
    } catch (err) {
      if (state.auth) refuseError(err);
    } finally {
      loadingBuffers.delete(missed);
    }
  }

  function onDeviceEvent(name, data) {
    if (name === "branch.opened") {
      state.opening = data.opening;
      renderOpening();
      return;
    }
    if (data.device) {
      if (name === "device.removed") state.devices = state.devices.filter((d) => d.id !== data.device.id);
      else upsert(state.devices, data.device);
      renderDevices();
      (sv.afterDevices || []).forEach((fn) => fn());
    }
    if (data.fault) {
      if (data.fault.open) upsert(state.faults, data.fault);
      else state.faults = state.faults.filter((f) => f.id !== data.fault.id);
      renderFaults();
    }
  }

  // Conditions in the page language, from the device's flags; never the driver's raw codes or words.
  const known = (key) => Boolean(page.catalogs[cf.i18n.locale][key]);
  // Flags a stronger one already says: out of paper also reports "stopped at paper end" and "paper low".
  const IMPLIED = { paper_end: ["paper_end_stop", "paper_near_end"] };
  function deviceDetail(flags, _detail, deviceState) {
    const shown = (flags || []).filter((f) => !(flags || []).some((g) => (IMPLIED[g] || []).includes(f)));
    const words = shown.filter((f) => known("flag." + f)).map((f) => t("flag." + f));
    if (words.length) return [...new Set(words)].join(" · ");
    return ["fault", "not_responding", "degraded"].includes(deviceState) ? t("fault_other") : "";
  }
  // A fault in words: an automatic one from its code, one reported by staff in their own words; the
  // device named once (docs/architecture.md, "Devices").
  function faultText(f) {
    const text = f.source === "auto" && known("fault_code." + f.code) ? t("fault_code." + f.code) : f.message;
    return f.device ? t("fault_on_device", { device: f.device, text }) : text;
  }
  sv.faultText = faultText;
  sv.deviceDetail = deviceDetail;
  sv.alertFaultText = (alert) => {
    const f = state.faults.find((x) => x.id === alert.device_fault_id);
    return f ? faultText(f) : alert.message;
  };
  const kindLabel = (kind) => (page.catalogs[cf.i18n.locale]["kind." + kind] ? t("kind." + kind) : kind);
  const deviceState = (s) => (page.catalogs[cf.i18n.locale]["device_state." + s] ? t("device_state." + s) : s);

  function renderDevices() {
    const body = $("sv-devices").tBodies[0];
    if (!state.devices.length) {
      body.replaceChildren(h("tr", {}, h("td", { colspan: "6", class: "sv-empty" }, t("no_devices"))));
      return;
    }
    const rows = [...state.devices].sort((a, b) => (a.kind + a.name < b.kind + b.name ? -1 : 1));
    body.replaceChildren(
      ...rows.map((d) =>
        h(
          "tr",
          { class: "device-" + d.state, dataset: { device: d.name, state: d.state } },
          h("th", { scope: "row" }, d.name),
          h("td", {}, kindLabel(d.kind)),
          h("td", {}, d.counter ? t("counter_n", { counter: d.counter }) : ""),
          h("td", {}, badge("device-" + d.state, deviceState(d.state))),
          h("td", {}, clock(d.last_seen_at, true)),
          h("td", { class: "sv-detail" }, deviceDetail(d.flags, d.detail, d.state)),
        ),
      ),
    );
  }

  function renderFaults() {
    const faults = [...state.faults].sort((a, b) => (a.raised_at < b.raised_at ? 1 : -1));
    const list = $("sv-faults");
    if (!faults.length) list.replaceChildren(h("li", { class: "sv-empty" }, t("no_faults")));
    else {
      list.replaceChildren(
        ...faults.map((f) =>
          h(
            "li",
            { class: "sv-fault severity-" + f.severity + (f.acknowledged_at ? " is-acked" : ""), dataset: { fault: f.id } },
            h("div", { class: "sv-item-main" },
              badge("severity-" + f.severity, t("severity." + f.severity)),
              h("p", { class: "sv-fault-text" }, faultText(f)),
              h("p", { class: "sv-muted" }, t("fault_raised", { time: clock(f.raised_at), name: who(f.raised_by) })),
              f.acknowledged_at
                ? h("p", { class: "sv-muted" }, t("fault_acked", { time: clock(f.acknowledged_at), name: who(f.acknowledged_by) }))
                : null,
              f.contingency ? h("p", {}, t("fault_contingency", { text: f.contingency })) : null,
              f.ack_note ? h("p", { class: "sv-muted" }, t("fault_note", { text: f.ack_note })) : null),
            h("div", { class: "sv-buttons" },
              f.acknowledged_at
                ? null
                : h("button", { type: "button", class: "cf-button primary", dataset: { act: "ack" },
                                onclick: () => openFaultDialog(f, "ack") }, t("fault_ack")),
              h("button", { type: "button", class: "cf-button", dataset: { act: "resolve" },
                            onclick: () => openFaultDialog(f, "resolve") }, t("fault_resolve"))),
          ),
        ),
      );
    }
    const count = $("sv-count-devices");
    const open = faults.filter((f) => !f.acknowledged_at).length;
    count.hidden = !open;
    count.textContent = String(open);
  }

  let faultAction = null; // {fault, mode}
  function openFaultDialog(fault, mode) {
    faultAction = { fault, mode };
    $("sv-fault-form").reset();
    $("sv-fault-dialog-title").textContent = t(mode === "ack" ? "fault_ack_title" : "fault_resolve_title");
    $("sv-fault-dialog-what").textContent = faultText(fault);
    $("sv-fault-override-row").hidden = true; // shown when the hub says the device still reports it
    $("sv-fault-note-label").textContent = t(mode === "ack" ? "note_label" : "resolve_note_label");
    $("sv-fault-contingency-row").hidden = mode !== "ack";
    $("sv-fault-submit").textContent = t(mode === "ack" ? "fault_ack" : "fault_resolve");
    // Said by our own message, in the page language, rather than the browser's validation bubble.
    $("sv-fault-note").setAttribute("aria-required", String(mode === "resolve"));
    dialogError("sv-fault-error", null);
    $("sv-fault-dialog").showModal();
  }

  $("sv-fault-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const { fault, mode } = faultAction;
    const note = $("sv-fault-note").value.trim();
    try {
      let view;
      if (mode === "ack") {
        const contingency = $("sv-fault-contingency").value.trim();
        if (!note || !contingency) {
          dialogError("sv-fault-error", note ? "err.contingency_required" : "err.ack_note_required");
          return;
        }
        view = await api("POST", pathWith(page.api.fault_ack, fault.id), { note, contingency });
      } else {
        if (!note) {
          dialogError("sv-fault-error", "err.note_required");
          return;
        }
        const overrideRow = $("sv-fault-override-row");
        const override = $("sv-fault-override").value.trim();
        if (!overrideRow.hidden && !override) {
          dialogError("sv-fault-error", "err.fault_still_reported");
          return;
        }
        view = await api("POST", pathWith(page.api.fault_resolve, fault.id),
          overrideRow.hidden ? { note } : { note, override_reason: override });
      }
      if (view.open) upsert(state.faults, view);
      else state.faults = state.faults.filter((f) => f.id !== view.id);
      renderFaults();
      $("sv-fault-dialog").close();
      info(mode === "ack" ? "msg.fault_acked" : "msg.fault_resolved");
    } catch (err) {
      if (err.code === "fault_still_reported") {
        // The device still reports it: closing it anyway takes a reason, kept on the record.
        const code = (err.detail && err.detail.code) || fault.code;
        $("sv-fault-override-hint").textContent = t("override_hint", {
          what: known("fault_code." + code) ? t("fault_code." + code) : t("fault_other") });
        $("sv-fault-override-row").hidden = false;
        $("sv-fault-override").focus();
      }
      dialogError("sv-fault-error", errorKey(err));
    }
  });

  // ---------------------------------------------------------------- opening check (開業登記)
  function renderOpening() {
    const o = state.opening;
    $("sv-opening-state").textContent = o
      ? t("opening_done", { name: who(o.opened_by), time: clock(o.opened_at) })
      : t("opening_not_yet");
    $("sv-opening-state").classList.toggle("is-open", !!o);
    const open = $("sv-opening-open");
    open.hidden = !!o;
    const problems = state.check ? state.check.checklist.filter((i) => !i.ok).length : 0;
    open.textContent = t(problems ? "opening_open_anyway" : "opening_open");
    $("sv-opening-run").disabled = state.checking;
    const summary = $("sv-check-summary");
    const c = state.check;
    if (state.checking) summary.replaceChildren(t("opening_running"));
    else if (!c) summary.replaceChildren();
    else {
      summary.replaceChildren(
        h("strong", { class: problems ? "sv-bad" : "sv-good" },
          c.checklist.length ? t(problems ? "opening_problems" : "opening_all_ok", { n: problems }) : t("opening_no_devices")),
        " ",
        h("span", { class: "sv-muted" }, t("opening_checked", { time: clock(c.checked_at), name: who(c.checked_by) })),
      );
    }
    $("sv-checklist").replaceChildren(
      ...(c ? c.checklist : []).map((item) =>
        h(
          "li",
          { class: "sv-check " + (item.ok ? "is-ok" : "is-bad"), dataset: { device: item.device } },
          h("span", { class: "sv-check-mark", "aria-hidden": "true" }, item.ok ? "✓" : "✗"),
          h("span", { class: "sv-check-name" }, item.device),
          h("span", { class: "sv-muted" }, kindLabel(item.kind), item.counter ? " · " + t("counter_n", { counter: item.counter }) : ""),
          badge(item.ok ? "device-ok" : "device-fault", item.ok ? t("check_ok") : t("check_bad")),
          h("span", { class: "sv-detail" },
            [item.state === "online" ? "" : deviceState(item.state), deviceDetail(item.flags, item.detail, item.state)]
              .filter(Boolean).join(" · ")),
        ),
      ),
    );
  }

  $("sv-opening-run").addEventListener("click", async () => {
    state.checking = true;
    renderOpening();
    try {
      state.check = await api("POST", page.api.opening_check, {});
    } catch (err) {
      refuseError(err);
    } finally {
      state.checking = false;
      renderOpening();
    }
  });

  $("sv-opening-open").addEventListener("click", async () => {
    try {
      state.opening = await api("POST", page.api.open, {});
      renderOpening();
      info("msg.branch_opened");
    } catch (err) {
      refuseError(err);
    }
  });

  sv.hooks.snapshot.push(() => loadDevices());
  sv.hooks.event.push((message) => {
    const data = message.data || {};
    const name = message.event;
    if (name.startsWith("device.") || (name === "branch.opened" && data.opening)) {
      loadingBuffers.forEach((missed) => missed.push([name, data]));
      onDeviceEvent(name, data);
    }
  });
  sv.hooks.locale.push(() => {
    renderDevices();
    renderFaults();
    renderOpening();
  });
})();
