/* Supervisor panel: sign-in, tabs, and the live hall (counters, queues, alerts, emergency mode, the
 * display's message line, devices, faults, the opening check).
 *
 * The `supervisor:<branch>` room's snapshot and events keep counters, queues, alerts, the message and
 * the emergency mode right; devices, faults and the opening record are not in the snapshot, so they are
 * read from the API at each snapshot (connect, reconnect, seq gap) and then kept by their events.
 * reports.js adds the day's numbers and charts through `sv.hooks`.
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
    auth: null, // {token, username, name, role}
    status: "offline",
    tab: "live",
    counters: [],
    services: [], // queue rows, each with receivedAt (ms) so the longest wait keeps counting
    alerts: [],
    message: "",
    emergency: null,
    devices: [],
    faults: [],
    opening: null,
    check: null, // the last opening checklist run from this page
    checking: false,
    notice: null, // {kind, key, params}
    snapshots: 0,
  };
  let client = null;
  const hooks = { signedIn: [], snapshot: [], event: [], tab: [], locale: [] };
  const run = (name, ...args) => hooks[name].forEach((fn) => fn(...args));

  // ---------------------------------------------------------------- session (this tab only)
  const saved = {
    load() {
      try {
        return JSON.parse(window.sessionStorage.getItem(page.storage_key) || "null");
      } catch (err) {
        return null;
      }
    },
    save(value) {
      try {
        window.sessionStorage.setItem(page.storage_key, JSON.stringify(value));
      } catch (err) {
        /* the session lasts as long as the page */
      }
    },
    clear() {
      try {
        window.sessionStorage.removeItem(page.storage_key);
      } catch (err) {
        /* ignore */
      }
    },
  };

  // ---------------------------------------------------------------- API and messages
  async function api(method, path, body) {
    try {
      return await cf.api.request(method, path, { body, token: state.auth && state.auth.token, timeoutMs: 15000 });
    } catch (err) {
      if (err.status === 401 && state.auth) endSession("session_ended");
      throw err;
    }
  }
  const pathWith = (template, id) => template.replace("{id}", encodeURIComponent(id));
  const errorKey = (err) => page.errors[err.code] || "err.other";

  let noticeTimer = null;
  function say(kind, key, params) {
    state.notice = key ? { kind, key, params } : null;
    renderNotice();
    // Messages float over the panel: they go by themselves, a refusal after a longer while.
    clearTimeout(noticeTimer);
    if (key) noticeTimer = setTimeout(() => say(null), kind === "error" ? 20000 : 8000);
  }
  const info = (key, params) => say("info", key, params);
  const refuse = (key, params) => say("error", key, params);
  const refuseError = (err, params) => refuse(errorKey(err), Object.assign({ code: err.code }, params));

  function renderNotice() {
    const n = state.notice;
    const error = $("sv-error");
    error.hidden = !(n && n.kind === "error");
    error.textContent = n && n.kind === "error" ? t(n.key, n.params) : "";
    $("sv-info").textContent = n && n.kind === "info" ? t(n.key, n.params) : "";
  }

  // ---------------------------------------------------------------- formatting
  const intl = () => page.languages[cf.i18n.locale].intl;
  const zone = page.branch.timezone;
  function clock(iso, withSeconds) {
    if (!iso) return t("never");
    return new Intl.DateTimeFormat(intl(), {
      timeZone: zone, hour: "2-digit", minute: "2-digit", second: withSeconds ? "2-digit" : undefined,
      hourCycle: "h23",
    }).format(new Date(iso));
  }
  function duration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const hh = Math.floor(s / 3600);
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
    const ss = String(s % 60).padStart(2, "0");
    return hh ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
  }
  const since = (iso) => (Date.now() - Date.parse(iso)) / 1000;
  const minutes = (seconds) => t("minutes", { n: Math.floor((seconds || 0) / 60) });
  // Actor labels are "user:name", "device:name" or "system".
  function who(label) {
    if (!label) return "";
    if (label === "system") return t("system");
    return label.replace(/^(user|device|staff):/, "");
  }
  function serviceName(row) {
    return cf.i18n.locale === "en" ? row.name_en : row.name_zh;
  }
  function reasonLabel(reason) {
    return page.pause_reasons.includes(reason) ? t("reason." + reason) : reason || "";
  }
  const badge = (cls, text) => h("span", { class: "sv-badge " + cls }, text);

  // ---------------------------------------------------------------- sign in / out
  function showPanel(signedIn) {
    $("sv-signin").hidden = signedIn;
    $("sv-panel").hidden = !signedIn;
    $("sv-signout").hidden = !signedIn;
    $("sv-who").hidden = !signedIn;
    if (signedIn) $("sv-who").textContent = t("signed_in_as", { name: state.auth.name });
    else $("sv-user").focus();
    document.body.dataset.view = signedIn ? "panel" : "signin";
  }

  $("sv-signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    let who;
    try {
      who = await cf.api.request("POST", page.api.sign_in, {
        body: { username: form.get("username"), password: form.get("password") },
      });
    } catch (err) {
      refuse(err.status === 401 ? "wrong_credentials" : errorKey(err), { code: err.code });
      return;
    }
    if (!page.roles.includes(who.role) || (who.role !== "admin" && who.branch !== page.branch.code)) {
      cf.api.request("POST", page.api.sign_out, { token: who.token }).catch(() => {});
      refuse("not_supervisor");
      return;
    }
    event.target.reset();
    say(null);
    start({ token: who.token, username: who.username, name: who.display_name || who.username, role: who.role });
  });

  function start(auth) {
    state.auth = auth;
    saved.save({ auth });
    showPanel(true);
    connect();
    run("signedIn");
  }

  function endSession(messageKey) {
    if (client) client.close();
    client = null;
    state.auth = null;
    saved.clear();
    showPanel(false);
    if (messageKey) refuse(messageKey);
  }

  $("sv-signout").addEventListener("click", () => {
    const token = state.auth && state.auth.token;
    endSession(null);
    say(null);
    if (token) cf.api.request("POST", page.api.sign_out, { token }).catch(() => {});
  });

  // ---------------------------------------------------------------- tabs
  const tabs = [...document.querySelectorAll(".sv-tab")];
  function selectTab(name, focus) {
    state.tab = name;
    tabs.forEach((tab) => {
      const on = tab.dataset.tab === name;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      $("sv-pane-" + tab.dataset.tab).hidden = !on;
      if (on && focus) tab.focus();
    });
    document.body.dataset.tab = name;
    run("tab", name);
  }
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => selectTab(tab.dataset.tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      selectTab(tabs[(index + step + tabs.length) % tabs.length].dataset.tab, true);
    });
  });

  // ---------------------------------------------------------------- real time
  const banner = cf.ui.connectionBanner();

  function connect() {
    if (client) client.close();
    client = cf.connect({
      join: page.join,
      token: () => state.auth && state.auth.token,
      onSnapshot(snapshot) {
        const now = Date.now();
        state.counters = snapshot.counters;
        state.services = snapshot.services.map((row) => Object.assign(row, { receivedAt: now }));
        state.alerts = snapshot.alerts;
        state.message = snapshot.message || "";
        state.emergency = snapshot.emergency;
        state.snapshots += 1;
        renderLive();
        renderMessageCard(true);
        loadDevices();
        run("snapshot", snapshot);
      },
      onEvent,
      onStatus(status) {
        state.status = status;
        banner(status);
      },
      onRefused(error) {
        if (["invalid_token", "token_expired", "auth_required"].includes(error.code)) endSession("session_ended");
        else refuse(page.errors[error.code] || "err.other", { code: error.code });
      },
    });
  }

  function upsert(list, item, key = "id") {
    const index = list.findIndex((x) => x[key] === item[key]);
    if (index >= 0) list[index] = item;
    else list.push(item);
  }

  function onEvent(message) {
    const data = message.data || {};
    const name = message.event;
    if (name === "queue.changed" && data.queue) {
      const now = Date.now();
      state.services = cf.mergeQueue(state.services, data.queue.map((row) => Object.assign(row, { receivedAt: now })));
      renderQueues();
    } else if (name.startsWith("counter.") && data.counter) {
      upsert(state.counters, data.counter);
      renderCounters();
    } else if (name.startsWith("ticket.") && data.ticket) {
      applyTicket(data.ticket);
    } else if (name.startsWith("alert.") && data.alert) {
      if (name === "alert.cleared") state.alerts = state.alerts.filter((a) => a.id !== data.alert.id);
      else upsert(state.alerts, data.alert);
      renderAlerts();
    } else if (name === "emergency.started" || name === "emergency.ended") {
      state.emergency = name === "emergency.started" ? data.emergency : null;
      renderEmergency();
    } else if (name === "display.message") {
      state.message = data.message || "";
      renderMessageCard(false);
    } else if (name.startsWith("device.")) {
      onDeviceEvent(name, data);
    } else if (name === "branch.opened" && data.opening) {
      state.opening = data.opening;
      renderOpening();
    }
    run("event", message);
  }

  function applyTicket(ticket) {
    state.counters.forEach((c) => {
      if (ACTIVE.includes(ticket.status) && ticket.counter_id === c.id) c.current_ticket = ticket;
      else if (c.current_ticket && c.current_ticket.id === ticket.id) c.current_ticket = null;
    });
    renderCounters();
  }

  // ---------------------------------------------------------------- the hall now: counters and queues
  function renderLive() {
    renderCounters();
    renderQueues();
    renderAlerts();
    renderEmergency();
  }

  function renderCounters() {
    const rows = [...state.counters].sort((a, b) => a.number - b.number);
    $("sv-counters").tBodies[0].replaceChildren(
      ...rows.map((c) => {
        const ticket = c.current_ticket;
        return h(
          "tr",
          { class: "state-" + c.state, dataset: { counter: c.number, state: c.state } },
          h("th", { scope: "row" }, t("counter_n", { counter: c.number })),
          h("td", {}, badge("state-" + c.state, t("state." + c.state))),
          h("td", { class: "sv-teller" }, c.staff_name || ""),
          h("td", { class: "sv-ticket" }, ticket
            ? [h("strong", {}, ticket.number), " ", h("span", { class: "sv-muted" }, t("ticket_status." + ticket.status))]
            : ""),
          h("td", { class: "sv-pause" }, c.state === "paused"
            ? h("span", { class: "sv-paused", dataset: { since: c.paused_at || "", reason: c.pause_reason || "" } },
              pauseText(c.pause_reason, c.paused_at))
            : ""),
        );
      }),
    );
  }

  function pauseText(reason, pausedAt) {
    return t("paused_for", { reason: reasonLabel(reason), time: pausedAt ? duration(since(pausedAt)) : "" });
  }

  function longestNow(row) {
    return row.waiting ? (row.longest_wait_s || 0) + (Date.now() - (row.receivedAt || Date.now())) / 1000 : 0;
  }

  function renderQueues() {
    $("sv-queues").tBodies[0].replaceChildren(
      ...state.services.map((row) =>
        h(
          "tr",
          { class: "level-" + row.alert_level, dataset: { service: row.service } },
          h("th", { scope: "row" }, h("span", { class: "sv-code" }, row.service), " ", serviceName(row)),
          h("td", { class: "sv-num sv-waiting" }, String(row.waiting)),
          h("td", { class: "sv-num sv-longest", dataset: { service: row.service } }, row.waiting ? minutes(longestNow(row)) : "–"),
          h("td", { class: "sv-num" }, row.waiting ? minutes(row.estimated_wait_s) : "–"),
          h("td", { class: "sv-num" }, String(row.counters_open)),
          h("td", {}, badge("level-" + row.alert_level, t("level." + row.alert_level))),
        ),
      ),
    );
  }

  // ---------------------------------------------------------------- alerts
  function alertText(alert) {
    if (alert.kind === "wait_time") {
      const row = state.services.find((s) => s.service === alert.service);
      return t("alert.wait_time", {
        service: row ? `${row.service} ${serviceName(row)}` : alert.service || "",
        min: Math.floor((alert.value_s || 0) / 60),
        est: row ? Math.round((row.estimated_wait_s || 0) / 60) : "?",
        target: row ? row.wait_target_min : "?",
      });
    }
    if (alert.kind === "device_fault") return t("alert.device_fault", { message: alert.message });
    return alert.message;
  }

  function renderAlerts() {
    const alerts = [...state.alerts].sort((a, b) => (a.raised_at < b.raised_at ? 1 : -1));
    const list = $("sv-alerts");
    if (!alerts.length) {
      list.replaceChildren(h("li", { class: "sv-empty" }, t("no_alerts")));
    } else {
      list.replaceChildren(
        ...alerts.map((alert) =>
          h(
            "li",
            { class: "sv-alert level-" + alert.level + (alert.acknowledged_at ? " is-acked" : ""),
              dataset: { alert: alert.id, kind: alert.kind } },
            h("div", { class: "sv-item-main" },
              badge("level-" + alert.level, t("alert_level." + alert.level)),
              h("p", { class: "sv-alert-text" }, alertText(alert)),
              h("p", { class: "sv-muted" }, t("alert_raised", { time: clock(alert.raised_at) }),
                alert.acknowledged_at ? [" · ", t("acknowledged_by", { name: who(alert.acknowledged_by) })] : "")),
            alert.acknowledged_at
              ? null
              : h("button", { type: "button", class: "cf-button primary", onclick: () => acknowledgeAlert(alert) },
                t("acknowledge")),
          ),
        ),
      );
    }
    const open = alerts.filter((a) => !a.acknowledged_at).length;
    const count = $("sv-count-live");
    count.hidden = !open;
    count.textContent = String(open);
    count.setAttribute("aria-label", t("alerts_count", { n: open }));
  }

  async function acknowledgeAlert(alert) {
    try {
      upsert(state.alerts, (await api("POST", pathWith(page.api.alert_ack, alert.id))).alert);
      renderAlerts();
    } catch (err) {
      refuseError(err);
    }
  }

  // ---------------------------------------------------------------- emergency mode (誰啟動，誰結束)
  function renderEmergency() {
    const e = state.emergency;
    const bannerEl = $("sv-emergency-banner");
    bannerEl.hidden = !e;
    $("sv-emergency-form").hidden = !!e;
    $("sv-emergency-end").hidden = !e;
    if (!e) {
      $("sv-emergency-state").replaceChildren(h("p", { class: "sv-muted" }, t("emergency_off")));
      document.body.classList.remove("sv-in-emergency");
      return;
    }
    document.body.classList.add("sv-in-emergency");
    const lines = [
      h("strong", {}, t("emergency_on")),
      h("span", {}, t("emergency_by", { name: e.started_by, time: clock(e.started_at) })),
      e.reason ? h("span", {}, t("emergency_reason", { reason: e.reason })) : null,
    ];
    bannerEl.replaceChildren(...lines.map((x) => x && x.cloneNode(true)));
    $("sv-emergency-state").replaceChildren(h("p", { class: "sv-emergency-on" }, ...lines.map((x) => x && [x, " "])));
  }

  $("sv-emergency-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const result = await api("POST", page.api.emergency_start, { reason: $("sv-emergency-reason").value.trim() });
      state.emergency = result.emergency;
      $("sv-emergency-reason").value = "";
      renderEmergency();
      info("msg.emergency_started");
    } catch (err) {
      refuseError(err);
    }
  });

  $("sv-emergency-end").addEventListener("click", async () => {
    try {
      await api("POST", page.api.emergency_end, {});
      state.emergency = null;
      renderEmergency();
      info("msg.emergency_ended");
    } catch (err) {
      refuseError(err, { name: state.emergency ? state.emergency.started_by : "" });
    }
  });

  // ---------------------------------------------------------------- the lobby display's message line
  function renderMessageCard(fillInput) {
    const current = $("sv-message-current");
    current.textContent = state.message ? t("message_current", { message: state.message }) : t("message_none");
    current.classList.toggle("sv-muted", !state.message);
    const input = $("sv-message-input");
    if (fillInput && document.activeElement !== input) input.value = state.message;
  }

  async function setMessage(text) {
    try {
      const result = await api("PUT", page.api.display_message, { message: text });
      state.message = result.message;
      $("sv-message-input").value = result.message;
      renderMessageCard(false);
      info(result.message ? "msg.message_saved" : "msg.message_cleared");
    } catch (err) {
      refuseError(err);
    }
  }
  $("sv-message-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setMessage($("sv-message-input").value.trim());
  });
  $("sv-message-clear").addEventListener("click", () => setMessage(""));

  // ---------------------------------------------------------------- devices and faults
  async function loadDevices() {
    try {
      const [devices, faults, opening] = await Promise.all([
        api("GET", page.api.devices), api("GET", page.api.faults), api("GET", page.api.opening),
      ]);
      state.devices = devices.devices;
      state.faults = faults.faults;
      state.opening = opening.opening;
      renderDevices();
      renderFaults();
      renderOpening();
    } catch (err) {
      if (state.auth) refuseError(err);
    }
  }

  function onDeviceEvent(name, data) {
    if (data.device) {
      if (name === "device.removed") state.devices = state.devices.filter((d) => d.id !== data.device.id);
      else upsert(state.devices, data.device);
      renderDevices();
    }
    if (data.fault) {
      if (data.fault.open) upsert(state.faults, data.fault);
      else state.faults = state.faults.filter((f) => f.id !== data.fault.id);
      renderFaults();
    }
  }

  // Known flags in the page language; the driver's own words only when there is nothing else to say.
  function deviceDetail(flags, detail) {
    const known = (flags || []).map((f) => (page.catalogs[cf.i18n.locale]["flag." + f] ? t("flag." + f) : f));
    if (known.length) return known.join(" · ");
    return detail && detail !== "ok" ? detail : "";
  }
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
          h("td", { class: "sv-detail" }, deviceDetail(d.flags, d.detail)),
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
              h("p", { class: "sv-fault-text" }, f.device ? h("strong", {}, f.device + ": ") : null, f.message),
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
    $("sv-fault-dialog-what").textContent = (fault.device ? fault.device + ": " : "") + fault.message;
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
        view = await api("POST", pathWith(page.api.fault_ack, fault.id),
          { note, contingency: $("sv-fault-contingency").value.trim() });
      } else {
        if (!note) {
          dialogError("sv-fault-error", "err.note_required");
          return;
        }
        view = await api("POST", pathWith(page.api.fault_resolve, fault.id), { note });
      }
      if (view.open) upsert(state.faults, view);
      else state.faults = state.faults.filter((f) => f.id !== view.id);
      renderFaults();
      $("sv-fault-dialog").close();
      info(mode === "ack" ? "msg.fault_acked" : "msg.fault_resolved");
    } catch (err) {
      dialogError("sv-fault-error", errorKey(err));
    }
  });

  function dialogError(id, key, params) {
    const el = $(id);
    el.hidden = !key;
    el.textContent = key ? t(key, params) : "";
  }
  document.querySelectorAll("dialog [data-close]").forEach((button) => {
    button.addEventListener("click", () => button.closest("dialog").close());
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
            [item.state === "online" ? "" : deviceState(item.state), deviceDetail([], item.detail)].filter(Boolean).join(" · ")),
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

  // ---------------------------------------------------------------- clocks that keep counting
  setInterval(() => {
    document.querySelectorAll("#sv-counters .sv-paused").forEach((el) => {
      el.textContent = pauseText(el.dataset.reason, el.dataset.since);
    });
    document.querySelectorAll("#sv-queues .sv-longest").forEach((el) => {
      const row = state.services.find((r) => r.service === el.dataset.service);
      if (row && row.waiting) el.textContent = minutes(longestNow(row));
    });
  }, 1000);

  // ---------------------------------------------------------------- language
  document.querySelectorAll(".sv-lang button").forEach((b) => {
    b.addEventListener("click", () => {
      cf.i18n.setLocale(b.dataset.locale);
      document.cookie = `cf_lang=${cf.i18n.locale}; path=/; max-age=31536000; samesite=lax`;
    });
  });
  cf.i18n.onChange((locale) => {
    document.querySelectorAll(".sv-lang button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.locale === locale));
    });
    $("sv-branch").textContent = locale === "en" ? page.branch.name_en : page.branch.name_zh;
    if (state.auth) $("sv-who").textContent = t("signed_in_as", { name: state.auth.name });
    renderNotice();
    renderLive();
    renderMessageCard(false);
    renderDevices();
    renderFaults();
    renderOpening();
    run("locale", locale);
  });

  // ---------------------------------------------------------------- start
  async function restore() {
    const previous = saved.load();
    if (!previous || !previous.auth) {
      showPanel(false);
      return;
    }
    state.auth = previous.auth;
    try {
      await api("GET", page.api.me);
      start(previous.auth);
    } catch (err) {
      if (err.status === 0) {
        refuseError(err);
        setTimeout(restore, 3000);
      } else if (err.status !== 401) {
        endSession(null);
      }
    }
  }

  const sv = {
    state, hooks, api, t, say, info, refuse, refuseError, errorKey, clock, duration, who, serviceName,
    reasonLabel, dialogError, charts: {},
    get client() {
      return client;
    },
  };
  window.counterflowSupervisor = sv;
  document.addEventListener("DOMContentLoaded", restore);
})();
