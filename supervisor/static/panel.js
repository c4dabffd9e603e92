/* Supervisor panel: sign-in, tabs, and the live hall (counters, queues, alerts, emergency mode, the
 * display's message line).
 *
 * The `supervisor:<branch>` room's snapshot and events keep counters, queues, alerts, the message and
 * the emergency mode right. devices.js (devices, faults, opening check) and reports.js (the day's
 * numbers and charts) plug in through `sv.hooks`: signedIn, snapshot, event, tab, locale.
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

  // ---------------------------------------------------------------- messages
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
  // Worded as the public screens word it (cf.ui.underAMinute); null: no open counter serves it.
  const estimate = (seconds) => (seconds == null ? "–" : cf.ui.underAMinute(seconds) ? t("under_a_minute")
    : t("minutes", { n: cf.ui.minutes(seconds) }));
  // Actor labels are "user:name", "device:name" or "system".
  function who(label) {
    if (!label) return "";
    if (label === "system") return t("system");
    return label.replace(/^(user|device|staff):/, "");
  }
  function serviceName(row) {
    return cf.i18n.name(row);
  }
  function reasonLabel(reason) {
    return page.pause_reasons.includes(reason) ? t("reason." + reason) : reason || "";
  }
  const badge = (cls, text) => h("span", { class: "sv-badge " + cls }, text);

  // ---------------------------------------------------------------- sign in / out (cf.staffSession)
  const session = cf.staffSession({
    prefix: "sv", state, work: "sv-panel", view: "panel", timeoutMs: 15000, check: true,
    accepts: (w) => page.roles.includes(w.role) && (w.role === "admin" || w.branch === page.branch.code),
    notAllowed: "not_supervisor",
    refuse,
    clear: () => say(null),
    onStart() {
      connect();
      run("signedIn");
    },
    onEnd() {
      if (client) client.close();
      client = null;
    },
  });
  const api = session.api;

  // ---------------------------------------------------------------- tabs
  cf.ui.tabs([...document.querySelectorAll(".sv-tab")], (name) => {
    state.tab = name;
    run("tab", name);
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
        run("snapshot", snapshot);
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
      // The queue table's level follows the alert at once, not at the next queue change.
      const row = data.alert.kind === "wait_time" && state.services.find((r) => r.service === data.alert.service);
      if (row && name !== "alert.acknowledged") row.alert_level = name === "alert.cleared" ? "ok" : data.alert.level;
      renderAlerts();
      renderQueues();
    } else if (name === "emergency.started" || name === "emergency.ended") {
      state.emergency = name === "emergency.started" ? data.emergency : null;
      renderEmergency();
    } else if (name === "display.message") {
      state.message = data.message || "";
      renderMessageCard(false);
    }
    run("event", message); // devices.js and reports.js take theirs from here
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
            ? [h("strong", {}, ticket.number), " ", h("span", { class: "sv-muted" }, t("ticket_status." + ticket.status)),
              ticket.channel === "appointment" ? badge("sv-ap-mark", t("ap.mark")) : ""]
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

  // Tickets transferred to one counter are that counter's, not the service queue's (only it calls them);
  // phones' tickets not checked in wait elsewhere (no counter calls them yet): both counted apart.
  function forCounters(row) {
    const apart = (row.waiting_for_counters || []).map((x) =>
      h("span", { class: "sv-for-counter" }, t("waiting_for_counter", { n: x.waiting, counter: x.counter })));
    if (row.not_checked_in) {
      apart.push(h("span", { class: "sv-for-counter sv-not-checked-in" },
        t("waiting_not_checked_in", { n: row.not_checked_in })));
    }
    return apart;
  }

  function renderQueues() {
    $("sv-queues").tBodies[0].replaceChildren(
      ...state.services.map((row) =>
        h(
          "tr",
          { class: "level-" + row.alert_level, dataset: { service: row.service } },
          h("th", { scope: "row" }, h("span", { class: "sv-code" }, row.service), " ", serviceName(row)),
          h("td", { class: "sv-num sv-waiting" }, String(row.waiting), ...forCounters(row)),
          h("td", { class: "sv-num sv-longest", dataset: { service: row.service } }, row.waiting ? minutes(longestNow(row)) : "–"),
          h("td", { class: "sv-num" }, row.waiting ? estimate(row.estimated_wait_s) : "–"),
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
    if (alert.kind === "device_fault") {
      return t("alert.device_fault", { message: sv.alertFaultText ? sv.alertFaultText(alert) : alert.message });
    }
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
      e.instruction ? h("span", {}, t("emergency_instruction", { instruction: e.instruction })) : null,
    ];
    bannerEl.replaceChildren(...lines.map((x) => x && x.cloneNode(true)));
    $("sv-emergency-state").replaceChildren(h("p", { class: "sv-emergency-on" }, ...lines.map((x) => x && [x, " "])));
  }

  // Starting the plan (confirmation, reason, instruction) is emergency.js's.

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

  // ---------------------------------------------------------------- dialogs
  function dialogError(id, key, params) {
    const el = $(id);
    el.hidden = !key;
    el.textContent = key ? t(key, params) : "";
  }
  document.querySelectorAll("dialog [data-close]").forEach((button) => {
    button.addEventListener("click", () => button.closest("dialog").close());
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
    $("sv-branch").textContent = cf.i18n.name(page.branch);
    renderNotice();
    renderLive();
    renderMessageCard(false);
    run("locale", locale);
  });

  // A tab's section read from the API (the comment book, the survey, ...): read again when `tab` is
  // shown and when an event whose name starts with `prefix` arrives while it is; drawn again in a new
  // language.
  function follow(tab, prefix, load, render) {
    hooks.tab.push((name) => {
      if (name === tab) load();
    });
    hooks.event.push((message) => {
      if (message.event.startsWith(prefix) && state.tab === tab) load();
    });
    hooks.locale.push(render);
  }

  // Plug-ins take their shared names from here: `const { cf, page, h, t, $ } = sv;`.
  const sv = {
    cf, page, h, $, state, hooks, api, t, follow, say, info, refuse, refuseError, errorKey, clock, duration, who, serviceName,
    reasonLabel, dialogError, upsert, badge, pathWith, renderLive, renderEmergency, charts: {},
    get client() {
      return client;
    },
  };
  window.counterflowSupervisor = sv;
  document.addEventListener("DOMContentLoaded", session.restore);
})();
