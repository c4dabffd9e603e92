/* The rounds page (巡視表): a guide or supervisor walks the hall with a tablet and answers each item of
 * the opening, midday or closing round "OK" or "Problem" (a note, and optionally a fault report or a
 * task with an owner). The opening round shows the opening record (round + device check, then open);
 * the closing round shows what is still on and sends the devices to idle. Everything goes through the
 * API (docs/architecture.md, "Rounds"). */
(function () {
  "use strict";

  const cf = window.CounterFlow;
  const page = cf.page;
  const t = (key, params) => cf.i18n.t(key, params);
  const h = cf.ui.h;
  const $ = (id) => document.getElementById(id);
  const state = { auth: null, kind: null, items: [], answers: {}, rounds: [], record: null };
  window.CounterFlowRounds = state; // the sheet editor reads the sheet and signals a change

  // ---------------------------------------------------------------- messages
  function say(kind, key, params) {
    $("rd-error").hidden = kind !== "error";
    $("rd-error").textContent = kind === "error" ? t(key, params) : "";
    $("rd-info").textContent = kind === "info" ? t(key, params) : "";
  }
  state.say = say;
  const refuse = (err) => say("error", page.errors[err.code] || "err.other", { code: err.code });
  state.refuse = refuse;
  const intl = () => page.languages[cf.i18n.locale].intl;
  const clock = (iso) => new Intl.DateTimeFormat(intl(), {
    timeZone: page.branch.timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).format(iso ? new Date(iso) : new Date());
  const who = (label) => (label || "").replace(/^(user|device|staff):/, "");
  const local = (texts) => texts[cf.i18n.locale] || texts.zh_Hant;

  // ---------------------------------------------------------------- sign in / out (cf.staffSession)
  // No focus on the username: on a tablet it would open the keyboard over the page.
  const session = cf.staffSession({
    prefix: "rd", state, work: "rd-work", view: "rounds", focus: false, timeoutMs: 15000,
    accepts: (w) => page.roles.includes(w.role) && (w.role === "admin" || w.branch === page.branch.code),
    notAllowed: "not_round_staff",
    refuse: (key, params) => say("error", key, params),
    clear: () => say(null),
    onStart(auth) {
      connectLive();
      const supervisor = auth.role !== "guide";
      $("rd-edit").hidden = !supervisor;
      $("rd-open").hidden = !supervisor;
      $("rd-recurring-show").hidden = !supervisor;
      choose(state.kind || defaultKind(), true);
    },
    onEnd() {
      if (client) client.close();
      client = null;
    },
  });
  const api = session.api;
  state.api = api;

  // ---------------------------------------------------------------- live: another tablet's rounds
  /* The staff room of the branch (guides may watch the hall): a round recorded elsewhere, a task done,
   * a sheet changed, the branch opened or a device changing state refresh what this page shows. */
  let client = null;
  const banner = cf.ui.connectionBanner();
  function connectLive() {
    if (client) client.close();
    client = cf.connect({
      join: { audience: "supervisor", branch: page.branch.code },
      token: () => state.auth && state.auth.token,
      onSnapshot() {},
      onEvent(message) {
        const name = message.event;
        if (name === "round.recorded" || name === "round.updated") refreshToday();
        else if (name === "round.sheet_changed" && ((message.data || {}).sheet || {}).kind === state.kind &&
          $("rd-editor").hidden && !Object.keys(state.answers).length) state.reload();
        if (state.kind === "opening" && (name === "branch.opened" || name.startsWith("round."))) refreshRecord();
        if (state.kind === "closing" && name === "device.state") refreshClosing();
      },
      onStatus: banner,
      onRefused: session.refused,
    });
  }

  // Before eleven the opening round, after four the closing round, the midday round between.
  function defaultKind() {
    const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: page.branch.timezone, hour: "2-digit",
      hourCycle: "h23" }).format(new Date()));
    return hour < 11 ? "opening" : hour >= 16 ? "closing" : "midday";
  }

  // ---------------------------------------------------------------- kind of round
  document.querySelectorAll(".rd-kind").forEach((button) => {
    button.addEventListener("click", () => choose(button.dataset.kind));
  });

  // Choosing the kind shown again keeps the answers given so far; `force` reloads the sheet (after an edit).
  let loading = 0;
  async function choose(kind, force) {
    if (kind === state.kind && state.items.length && !force) return;
    const ticket = ++loading;
    state.kind = kind;
    document.body.dataset.kind = kind;
    document.querySelectorAll(".rd-kind").forEach((b) => b.setAttribute("aria-checked", String(b.dataset.kind === kind)));
    $("rd-opening").hidden = kind !== "opening";
    $("rd-closing").hidden = kind !== "closing";
    $("rd-editor").hidden = true;
    try {
      const sheet = await api("GET", page.api.sheet.replace("{kind}", kind));
      if (ticket !== loading) return; // another kind was chosen meanwhile: its sheet wins
      state.items = sheet.items;
      state.answers = {};
      renderSheet();
    } catch (err) {
      refuse(err);
    }
    refreshToday();
    if (kind === "opening") refreshRecord();
    if (kind === "closing") refreshClosing();
  }
  state.reload = () => choose(state.kind, true);

  // ---------------------------------------------------------------- the sheet
  function renderSheet() {
    const groups = [];
    state.items.forEach((item) => {
      const name = local(item.group);
      let group = groups.find((g) => g.name === name);
      if (!group) groups.push((group = { name, items: [] }));
      group.items.push(item);
    });
    $("rd-items").replaceChildren(...groups.map((group) => h("fieldset", { class: "rd-group" },
      h("legend", null, group.name), ...group.items.map(renderItem))));
    renderSignature();
  }

  function renderItem(item) {
    const answer = state.answers[item.key] || {};
    const choice = (ok, key) => h("button", {
      type: "button", class: "rd-choice " + (ok ? "rd-ok" : "rd-problem"), "aria-pressed": String(answer.ok === ok),
      onclick: () => {
        state.answers[item.key] = Object.assign({}, answer, { ok });
        renderSheet();
        if (!ok) document.querySelector(`[data-note="${item.key}"]`).focus();
      },
    }, t(key));
    const row = h("div", { class: "rd-item", dataset: { key: item.key, answer: answer.ok === undefined ? "" : answer.ok ? "ok" : "problem" } },
      h("p", { class: "rd-item-text" }, local(item.text)),
      h("div", { class: "rd-choices" }, choice(true, "item_ok"), choice(false, "item_problem")));
    if (answer.ok === false) {
      const keep = (field) => (event) => {
        answer[field] = event.target.type === "checkbox" ? event.target.checked : event.target.value;
      };
      row.append(h("div", { class: "rd-problem-detail" },
        h("label", null, t("problem_note"),
          h("textarea", { rows: 2, maxlength: 500, dataset: { note: item.key }, oninput: keep("note") }, answer.note || "")),
        h("label", { class: "rd-check" },
          h("input", { type: "checkbox", checked: !!answer.fault, onchange: keep("fault"), dataset: { fault: item.key } }),
          t("as_fault")),
        h("label", null, t("task_owner"),
          h("input", { maxlength: 60, value: answer.owner || "", oninput: keep("owner"), dataset: { owner: item.key } }))));
    }
    return row;
  }

  function renderSignature() {
    if (state.auth) $("rd-signature").textContent = t("done_by_at", { name: state.auth.name, time: clock() });
  }
  setInterval(renderSignature, 30000);

  $("rd-sheet").addEventListener("submit", async (event) => {
    event.preventDefault();
    const missing = state.items.filter((item) => !state.answers[item.key] || state.answers[item.key].ok === undefined);
    if (missing.length) {
      say("error", "round_unanswered", { n: missing.length });
      document.querySelector(`.rd-item[data-key="${missing[0].key}"]`).scrollIntoView({ block: "center" });
      return;
    }
    const answers = state.items.map((item) => {
      const a = state.answers[item.key];
      if (a.ok) return { key: item.key, ok: true };
      const answer = { key: item.key, ok: false, note: (a.note || "").trim() };
      if (a.fault) answer.fault = {};
      if ((a.owner || "").trim()) answer.task_owner = a.owner.trim();
      return answer;
    });
    try {
      const done = await api("POST", page.api.rounds, { kind: state.kind, answers });
      say("info", "round_recorded", { n: done.problems });
      state.answers = {};
      renderSheet();
      refreshToday();
      if (state.kind === "opening") refreshRecord();
    } catch (err) {
      refuse(err);
    }
  });

  // ---------------------------------------------------------------- today's rounds
  async function refreshToday() {
    try {
      state.rounds = (await api("GET", `${page.api.rounds}?from=${page.today}&to=${page.today}`)).rounds;
    } catch (err) {
      return;
    }
    renderToday();
  }

  function renderToday() {
    if (!state.rounds.length) {
      $("rd-today").replaceChildren(h("li", { class: "rd-empty" }, t("no_rounds_today")));
      return;
    }
    $("rd-today").replaceChildren(...state.rounds.slice().reverse().map((r) => h("li", { dataset: { round: r.id } },
      h("p", null, t("round_line", { kind: t("kind." + r.kind), time: clock(r.done_at), name: who(r.done_by), n: r.problems })),
      h("ul", null, ...r.answers.filter((a) => !a.ok).map((a) => h("li", { class: "rd-found" },
        `${local(a.text)}: ${a.note}`,
        a.fault ? h("span", { class: "rd-tag" }, t("fault_n", { id: a.fault.id })) : null,
        a.task ? h("span", { class: "rd-tag" }, t("task_for", { owner: a.task.owner })) : null,
        a.task && a.task.done_at ? h("span", { class: "rd-tag rd-tag-done" }, t("task_done")) : null,
        a.task && !a.task.done_at ? h("button", { type: "button", class: "cf-button", onclick: () => finishTask(r.id, a.key) },
          t("mark_task_done")) : null))))));
  }

  async function finishTask(roundId, key) {
    try {
      await api("POST", page.api.task_done.replace("{id}", roundId).replace("{key}", encodeURIComponent(key)));
      refreshToday();
    } catch (err) {
      refuse(err);
    }
  }

  // ---------------------------------------------------------------- opening record (開業登記)
  async function refreshRecord() {
    try {
      state.record = await api("GET", page.api.record);
    } catch (err) {
      return;
    }
    renderRecord();
  }

  function renderRecord() {
    const r = state.record;
    if (!r) return;
    const line = (done, key, params) => h("li", { class: done ? "rd-yes" : "rd-no" }, t(key, params));
    const lines = [line(r.rounds.length > 0, r.rounds.length ? "record_round_done" : "record_round_missing"),
      line(!!r.device_check, r.device_check ? "record_check_done" : "record_check_missing")];
    if (r.device_check) {
      lines.push(h("li", { class: r.device_check.ok ? "rd-yes" : "rd-no" },
        r.device_check.ok ? t("opening_all_ok") : t("opening_problems",
          { n: r.device_check.checklist.filter((i) => !i.ok).length })));
    }
    if (r.requires_round) lines.push(h("li", { class: "rd-note" }, t("record_required")));
    if (r.opening) lines.push(h("li", { class: "rd-yes rd-opened" }, t("opened_by_at", { name: who(r.opening.opened_by), time: clock(r.opening.opened_at) })));
    $("rd-record").replaceChildren(...lines);
    $("rd-open").disabled = !!r.opening;
  }

  $("rd-check").addEventListener("click", async () => {
    $("rd-check").disabled = true;
    say("info", "opening_running");
    try {
      await api("POST", page.api.check, {});
      say(null);
    } catch (err) {
      refuse(err);
    } finally {
      $("rd-check").disabled = false;
    }
    refreshRecord();
  });

  $("rd-open").addEventListener("click", async () => {
    try {
      await api("POST", page.api.open);
      say("info", "branch_opened");
    } catch (err) {
      refuse(err);
    }
    refreshRecord();
  });

  // ---------------------------------------------------------------- closing round
  async function refreshClosing() {
    let status;
    try {
      status = await api("GET", page.api.closing);
    } catch (err) {
      return;
    }
    const none = () => h("li", { class: "rd-empty" }, t("none_left"));
    $("rd-devices-online").replaceChildren(...(status.devices_online.length
      ? status.devices_online.map((d) => h("li", null, d.name)) : [none()]));
    $("rd-staff").replaceChildren(...(status.staff_signed_in.length ? status.staff_signed_in.map((s) => h("li", null,
      s.name, s.counter ? ` (${t("at_counter", { counter: s.counter })})` : "")) : [none()]));
  }

  $("rd-idle").addEventListener("click", async () => {
    $("rd-idle").disabled = true;
    try {
      const result = await api("POST", page.api.idle);
      const failed = result.devices.filter((d) => !d.ok).map((d) => d.name);
      if (failed.length) say("error", "devices_idle_failed", { names: failed.join(", ") });
      else say("info", "devices_idle_done", { n: result.devices.length });
    } catch (err) {
      refuse(err);
    } finally {
      $("rd-idle").disabled = false;
    }
    refreshClosing();
  });

  // ---------------------------------------------------------------- history
  const period = () => `from=${$("rd-from").value}&to=${$("rd-to").value}`;
  $("rd-csv").addEventListener("click", async () => {
    // A link cannot carry the bearer token: fetch the file and hand it to the browser.
    const response = await fetch(`${page.api.rounds}?${period()}&format=csv`, {
      headers: { Authorization: "Bearer " + state.auth.token }, credentials: "omit", cache: "no-store",
    });
    if (!response.ok) {
      say("error", "err.other", { code: response.status });
      return;
    }
    const link = h("a", { href: URL.createObjectURL(await response.blob()),
      download: `counterflow-${page.branch.code}-rounds-${$("rd-from").value}-${$("rd-to").value}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
  });

  $("rd-recurring-show").addEventListener("click", async () => {
    let report;
    try {
      report = await api("GET", `${page.api.recurring}?${period()}`);
    } catch (err) {
      refuse(err);
      return;
    }
    $("rd-recurring").replaceChildren(...(report.items.length ? report.items.map((i) => h("li", null,
      `${t("kind." + i.kind)} · `, t("recurring_line", { text: local(i.text), n: i.problems, checked: i.checked }))) :
      [h("li", { class: "rd-empty" }, t("no_recurring"))]));
  });

  // ---------------------------------------------------------------- language
  document.querySelectorAll("[data-locale]").forEach((b) => {
    b.addEventListener("click", () => {
      cf.i18n.setLocale(b.dataset.locale);
      document.cookie = `cf_lang=${cf.i18n.locale}; path=/; max-age=31536000; samesite=lax`;
      document.querySelectorAll("[data-locale]").forEach((x) => x.setAttribute("aria-pressed", String(x === b)));
      if (!state.auth) return;
      renderSheet();
      renderToday();
      renderRecord();
      if (state.kind === "closing") refreshClosing();
    });
  });

  session.restore();
})();
