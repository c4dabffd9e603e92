/* Admin console: sign-in, the branch picker, and one tab per part of a branch's set-up.
 *
 * Everything shown comes from GET /branches/<code>/setup (re-read after every change); every change is
 * one REST call, so it goes through the set-up service layer, is audited (the change log tab) and
 * reaches the screens at once. Each section has one form: "Edit" loads a row into it (PATCH), "New …"
 * empties it (POST). A supervisor gets the same tables read-only (body[data-readonly]).
 */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const page = cf.page;
  const h = cf.ui.h;
  const t = (key, params) => cf.i18n.t(key, params);
  const $ = (id) => document.getElementById(id);

  // creatingBranch: the branch form holds a new branch being typed; re-renders leave it alone.
  const state = { auth: null, branches: [], code: null, setup: null, tab: "branch", creatingBranch: false };
  const path = (name, params) =>
    page.api[name].replace(/\{(\w+)\}/g, (whole, key) => encodeURIComponent(params[key]));

  // ---------------------------------------------------------------- messages
  let noticeTimer = null;
  let notice = null; // the message shown, re-translated when the language changes
  function say(kind, key, params) {
    clearTimeout(noticeTimer);
    notice = key ? [kind, key, params] : null;
    $("ad-error").hidden = kind !== "error";
    $("ad-error").textContent = kind === "error" ? t(key, params) : "";
    $("ad-info").textContent = kind === "info" ? t(key, params) : "";
    if (key) noticeTimer = setTimeout(() => say(null), kind === "error" ? 20000 : 8000);
  }
  const info = (key, params) => say("info", key, params);
  function refuse(err) {
    say("error", page.errors[err.code] || "err.other", { code: err.code, message: err.message || "" });
  }
  // Runs one change; on success re-reads the set-up so every table (and the change log) is current.
  async function change(work, done) {
    try {
      const result = await work();
      await load();
      if (done) done(result);
      return result;
    } catch (err) {
      if (err.code !== "session_ended") refuse(err);
      return null;
    }
  }

  // ---------------------------------------------------------------- sign in / out (cf.staffSession)
  const session = cf.staffSession({
    prefix: "ad", state, work: "ad-console", view: "console", timeoutMs: 15000,
    accepts: (w) => page.roles.includes(w.role),
    notAllowed: "not_admin",
    refuse: (key, params) => say("error", key, params),
    clear: () => say(null),
    remember: () => ({ code: state.code }),
    onStart(auth) {
      document.body.dataset.readonly = auth.role === "admin" ? "false" : "true";
      $("ad-readonly").hidden = auth.role === "admin";
      $("ad-branch-pick").hidden = false;
      loadBranches(state.code || new URLSearchParams(location.search).get("branch"));
    },
    onEnd() {
      state.setup = null;
      $("ad-branch-pick").hidden = true;
    },
    resume(previous) {
      state.code = previous.code || null;
      session.start(previous.auth);
    },
  });
  const api = session.api;

  // ---------------------------------------------------------------- branches
  async function loadBranches(wanted) {
    try {
      state.branches = (await api("GET", page.api.branches)).branches;
    } catch (err) {
      refuse(err);
      return;
    }
    const codes = state.branches.map((b) => b.code);
    state.code = codes.includes(wanted) ? wanted : codes[0] || null;
    renderBranchPicker();
    if (state.code) await load();
    else {
      state.setup = null;
      render();
      newBranch();
    }
  }

  function renderBranchPicker() {
    const select = $("ad-branch-select");
    select.replaceChildren(...state.branches.map((b) =>
      h("option", { value: b.code, selected: b.code === state.code }, `${b.code} · ${localName(b)}`)));
    select.disabled = state.branches.length < 2;
    $("ad-branch-pick").hidden = !state.auth || state.branches.length === 0; // nothing to pick on a fresh install
  }
  $("ad-branch-select").addEventListener("change", async (event) => {
    state.code = event.target.value;
    state.creatingBranch = false;
    session.save();
    await load();
  });

  async function load() {
    if (!state.code) return;
    try {
      state.setup = await api("GET", path("setup", { code: state.code }));
    } catch (err) {
      if (err.code !== "session_ended") refuse(err);
      return;
    }
    render();
  }

  // ---------------------------------------------------------------- tabs
  const tabs = [...document.querySelectorAll(".ad-tab")];
  const selectTab = cf.ui.tabs(tabs, (name) => {
    state.tab = name;
  });

  // ---------------------------------------------------------------- forms
  // The form's values as JSON: numbers for number inputs (empty: left out), booleans for checkboxes.
  function values(form) {
    const out = {};
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach((el) => {
      if (el.closest("[hidden]") && el.closest("[hidden]") !== form) return;
      if (el.type === "checkbox") out[el.name] = el.checked;
      else if (el.tagName === "TEXTAREA") out[el.name] = el.value.split("\n").map((l) => l.trim()).filter(Boolean);
      else if (el.type === "number") {
        if (el.value !== "") out[el.name] = Number(el.value);
      } else out[el.name] = el.value.trim();
    });
    return out;
  }
  function fill(form, data) {
    form.reset();
    Object.entries(data || {}).forEach(([name, value]) => {
      const el = form.elements.namedItem(name);
      if (!el || value === null || value === undefined) return;
      if (el.type === "checkbox") el.checked = Boolean(value);
      else if (Array.isArray(value)) el.value = value.join(el.tagName === "TEXTAREA" ? "\n" : ", ");
      else el.value = String(value);
    });
  }
  // Edit mode: the key fields (code, number, username, kind) are the record's address, fixed.
  function editMode(form, key) {
    form.dataset.editing = key || "";
    form.querySelectorAll("[name=code], [name=number], [name=username]").forEach((el) => {
      el.readOnly = Boolean(key);
    });
    const kind = form.elements.namedItem("kind");
    if (kind && form.id === "ad-device-form") kind.disabled = Boolean(key);
  }
  function startEdit(formId, key, data) {
    const form = $(formId);
    fill(form, data);
    if (formId === "ad-staff-form") $("ad-staff-branch").value = data.branch;
    editMode(form, key);
    if (formId === "ad-device-form") showPrinterLayout();
    form.scrollIntoView({ block: "nearest" });
    form.querySelector("input:not([readonly]), select").focus();
  }
  document.querySelectorAll("form[data-editor] [data-new]").forEach((button) => {
    button.addEventListener("click", () => {
      const form = button.closest("form");
      form.reset();
      editMode(form, null);
      if (form.id === "ad-branch-form") newBranch();
      if (form.id === "ad-device-form") showPrinterLayout();
      form.querySelector("input, select").focus();
    });
  });
  const localName = (row) => (cf.i18n.locale === "en" ? row.name_en : row.name_zh);
  const cell = (...children) => h("td", null, ...children);
  const editButton = (onclick) =>
    h("button", { type: "button", class: "cf-button small ad-write", onclick }, t("edit"));
  function emptyRow(table, columns) {
    return h("tr", null, h("td", { colspan: columns, class: "ad-muted" }, t("empty")));
  }
  function fillTable(id, rows, columns) {
    const body = $(id).querySelector("tbody");
    body.replaceChildren(...(rows.length ? rows : [emptyRow(id, columns)]));
  }

  // ---------------------------------------------------------------- branch
  function newBranch() {
    state.creatingBranch = true;
    const form = $("ad-branch-form");
    form.reset();
    editMode(form, null);
    $("ad-links").replaceChildren();
  }
  const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  // The form's open_<day>/close_<day> inputs as {weekday: [open, close]} with Monday = "0", as the hub
  // keeps them (server/queue/hall_hours.py); a day with neither is closed.
  function hoursFrom(data) {
    const hours = {};
    DAYS.forEach((day, index) => {
      const span = [data["open_" + day], data["close_" + day]];
      delete data["open_" + day];
      delete data["close_" + day];
      if (span[0] || span[1]) hours[String(index)] = span;
    });
    return hours;
  }
  function hoursInto(branch) {
    const hours = branch.opening_hours || {};
    const flat = Object.assign({}, branch);
    DAYS.forEach((day, index) => {
      const span = hours[String(index)];
      flat["open_" + day] = span ? span[0] : "";
      flat["close_" + day] = span ? span[1] : "";
    });
    return flat;
  }
  $("ad-branch-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const data = values(form);
    data.opening_hours = hoursFrom(data);
    if (form.dataset.editing) {
      const { code, ...changes } = data;
      change(() => api("PATCH", path("branch", { code }), changes), () => info("msg.saved"));
    } else {
      // Hours are a change of the new branch (POST /branches takes its names and zone).
      const { opening_hours: hours, ...fields } = data;
      change(async () => {
        const view = await api("POST", page.api.branches, fields);
        if (Object.keys(hours).length) await api("PATCH", path("branch", { code: view.code }), { opening_hours: hours });
        return view;
      }, async (view) => {
        state.creatingBranch = false;
        await loadBranches(view.code);
        info("msg.branch_created", { code: view.code });
      });
    }
  });

  function renderBranch() {
    const setup = state.setup;
    $("ad-no-branch").hidden = Boolean(setup);
    if (!setup) return;
    const form = $("ad-branch-form");
    if (state.creatingBranch) return;
    fill(form, hoursInto(setup.branch));
    editMode(form, setup.branch.code);
    const code = encodeURIComponent(setup.branch.code);
    const links = [["link.kiosk", `/kiosk/${code}`], ["link.display", `/display/${code}`],
      ["link.counter", "/counter"], ["link.supervisor", `/supervisor/${code}`]];
    $("ad-links").replaceChildren(h("h3", null, t("links_title")),
      h("ul", null, links.map(([key, href]) => h("li", null, h("a", { href, target: "_blank", rel: "noopener" },
        t(key), " ", h("code", null, href))))));
  }

  // ---------------------------------------------------------------- services
  $("ad-service-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const { code, ...rest } = values(form);
    if (form.dataset.editing) {
      change(() => api("PATCH", path("service", { code: state.code, id: code }), rest), () => info("msg.saved"));
    } else {
      const { active, ...fields } = rest; // a new service is offered; "Offered" changes it afterwards
      change(() => api("POST", path("services", { code: state.code }), { code, ...fields }), () => {
        form.reset();
        info("msg.saved");
      });
    }
  });
  function renderServices() {
    const rows = state.setup.services.map((s) => h("tr", { dataset: { code: s.code } },
      cell(h("strong", null, s.code)), cell(s.name_zh), cell(s.name_en), cell(s.wait_target_min),
      cell(s.wait_warning_min), cell(s.default_service_s), cell(t(s.active ? "yes" : "no")),
      cell(t(s.staff_only ? "yes" : "no")), cell(editButton(() => startEdit("ad-service-form", s.code, s)))));
    fillTable("ad-services", rows, 9);
  }

  // ---------------------------------------------------------------- counters
  const codes = (text) => text.split(/[\s,\uff0c\u3001]+/).map((c) => c.trim().toUpperCase()).filter(Boolean);
  $("ad-counter-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const data = values(form);
    const body = { services: codes(data.services), policy: data.policy, name: data.name };
    if (form.dataset.editing) {
      change(() => api("PATCH", path("counter", { id: form.dataset.editing }), body), () => info("msg.saved"));
    } else {
      change(() => api("POST", path("counters", { code: state.code }), { number: data.number, ...body }), () => {
        form.reset();
        info("msg.saved");
      });
    }
  });
  function renderCounters() {
    const rows = state.setup.counters.map((c) => h("tr", { dataset: { number: c.number } },
      cell(h("strong", null, c.number)), cell(c.name), cell(c.services.join(" › ")), cell(t("policy." + c.policy)),
      cell(editButton(() => startEdit("ad-counter-form", String(c.id), c)))));
    fillTable("ad-counters", rows, 5);
  }

  // ---------------------------------------------------------------- staff
  $("ad-staff-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const { username, password, ...fields } = values(form);
    if (form.dataset.editing) {
      change(async () => {
        await api("PATCH", path("user", { id: username }), fields);
        if (password) await api("POST", path("password", { id: username }), { password });
      }, () => info(password ? "msg.password_reset" : "msg.saved", { name: username }));
    } else {
      change(() => api("POST", page.api.users, { username, password, ...fields }), () => {
        form.reset();
        info("msg.saved");
      });
    }
  });
  // The staff form's branch: this one by default; editing an account can move it to another branch.
  // (`selected` marks the default option, so the form's reset goes back to this branch)
  function renderStaffBranches() {
    $("ad-staff-branch").replaceChildren(...state.branches.map((b) =>
      h("option", { value: b.code, selected: b.code === state.code }, `${b.code} · ${localName(b)}`)));
  }
  function renderStaff() {
    renderStaffBranches();
    const rows = state.setup.users.map((u) => h("tr", { dataset: { username: u.username } },
      cell(h("strong", null, u.username)), cell(u.display_name), cell(t("role." + u.role)),
      cell(t(u.active ? "yes" : "no")),
      cell(h("div", { class: "ad-row-actions" },
        editButton(() => startEdit("ad-staff-form", u.username, u)),
        h("button", {
          type: "button", class: "cf-button small ad-write" + (u.active ? " danger" : ""),
          onclick: () => change(() => api("PATCH", path("user", { id: u.username }), { active: !u.active }),
            () => info(u.active ? "msg.deactivated" : "msg.reactivated", { name: u.username })),
        }, t(u.active ? "deactivate" : "reactivate"))))));
    fillTable("ad-staff", rows, 5);
  }

  // ---------------------------------------------------------------- devices
  function showPrinterLayout() {
    const form = $("ad-device-form");
    form.querySelector("[data-printer-only]").hidden = form.elements.namedItem("kind").value !== "printer";
  }
  $("ad-device-form").elements.namedItem("kind").addEventListener("change", showPrinterLayout);
  $("ad-device-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const data = values(form);
    const body = { name: data.name, url: data.url, enabled: data.enabled, counter: data.counter ?? null,
      kiosk: data.kiosk || null };
    const kind = form.elements.namedItem("kind").value;
    if (kind === "printer") {
      const old = (state.setup.devices.find((d) => String(d.id) === form.dataset.editing) || {}).settings || {};
      body.settings = Object.assign({}, old, { paper_mm: Number(data.paper_mm), encoding: data.encoding });
      if (data.footer) body.settings.footer = data.footer;
      else delete body.settings.footer;
      if (data.header.length) body.settings.header = data.header;
      else delete body.settings.header;
    }
    if (form.dataset.editing) {
      change(() => api("PATCH", path("device", { id: form.dataset.editing }), body), () => info("msg.device_reloaded"));
    } else {
      if (body.counter === null) delete body.counter;
      change(() => api("POST", page.api.devices, { branch: state.code, kind, ...body }), () => {
        form.reset();
        showPrinterLayout();
        info("msg.device_reloaded");
      });
    }
  });
  function placeOf(d) {
    if (d.counter) return t("place.counter", { n: d.counter });
    if (d.kiosk) return t("place.kiosk", { name: d.kiosk });
    return "–";
  }
  async function testDevice(d) {
    const out = $("ad-test-result");
    out.textContent = "…";
    try {
      const result = await api("POST", path("device_test", { id: d.id }), {});
      out.textContent = result.ok ? t("test_ok", { name: d.name })
        : t("test_bad", { name: d.name, error: result.error || (result.flags || []).join(", ") || "?" });
      await load();
    } catch (err) {
      out.textContent = "";
      refuse(err);
    }
  }
  function renderDevices() {
    const rows = state.setup.devices.map((d) => {
      const stateKey = d.enabled ? "device_state." + d.state : "device_state.disabled";
      const settings = d.settings || {};
      return h("tr", { dataset: { name: d.name } },
        cell(h("strong", null, d.name)), cell(t("kind." + d.kind)), cell(h("code", null, d.url)), cell(placeOf(d)),
        cell(h("span", { class: "ad-state ad-state-" + (d.enabled ? d.state : "disabled") }, t(stateKey))),
        cell(h("div", { class: "ad-row-actions" },
          editButton(() => startEdit("ad-device-form", String(d.id), Object.assign({}, d, {
            paper_mm: settings.paper_mm || 80, encoding: settings.encoding || "big5", footer: settings.footer || "",
            header: settings.header || [],
          }))),
          h("button", { type: "button", class: "cf-button small", onclick: () => testDevice(d) }, t("test")),
          h("button", {
            type: "button", class: "cf-button small ad-write",
            onclick: () => change(() => api("PATCH", path("device", { id: d.id }), { enabled: !d.enabled }),
              () => info("msg.device_reloaded")),
          }, t(d.enabled ? "disable" : "enable")))));
    });
    fillTable("ad-devices", rows, 6);
  }

  // ---------------------------------------------------------------- device tokens
  async function showNewToken(created) {
    const box = $("ad-new-token");
    $("ad-new-token-title").textContent = t("new_token_for", { name: created.name });
    $("ad-token-value").textContent = created.token;
    const link = $("ad-setup-url");
    const qr = $("ad-qr");
    link.textContent = "";
    link.removeAttribute("href");
    qr.hidden = true;
    box.hidden = false;
    if (created.kind === "kiosk" || created.kind === "display") {
      const setup = await api("POST", page.api.setup_link, { token: created.token });
      link.href = setup.url;
      link.textContent = setup.url;
      qr.src = setup.qr;
      qr.hidden = false;
    }
    box.scrollIntoView({ block: "nearest" });
  }
  $("ad-token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    change(() => api("POST", page.api.tokens, Object.assign({ branch: state.code }, values(form))), (created) => {
      form.reset();
      return showNewToken(created).catch(refuse);
    });
  });
  function tokenState(tk) {
    if (tk.active) return "active";
    return tk.revoked_at ? "revoked" : "expired";
  }
  function renderTokens() {
    const rows = state.setup.tokens.map((tk) => h("tr", { dataset: { name: tk.name, state: tokenState(tk) } },
      cell(h("strong", null, tk.name)), cell(t("token_kind." + tk.kind)),
      cell(h("span", { class: "ad-state ad-token-" + tokenState(tk) }, t("token_state." + tokenState(tk)))),
      cell(tk.expires_at ? when(tk.expires_at) : t("never")),
      cell(tk.active ? h("div", { class: "ad-row-actions" },
        h("button", {
          type: "button", class: "cf-button small ad-write",
          onclick: () => change(() => api("POST", path("token_rotate", { id: tk.id }), {}), (created) =>
            showNewToken(created).catch(refuse)),
        }, t("rotate")),
        h("button", {
          type: "button", class: "cf-button small danger ad-write",
          onclick: () => change(() => api("POST", path("token_revoke", { id: tk.id }), {}),
            () => info("msg.token_revoked", { name: tk.name })),
        }, t("revoke"))) : "")));
    fillTable("ad-tokens", rows, 5);
  }

  // ---------------------------------------------------------------- change log
  function when(iso) {
    return new Intl.DateTimeFormat(page.languages[cf.i18n.locale].intl, {
      timeZone: state.setup.branch.timezone, dateStyle: "short", timeStyle: "medium", hourCycle: "h23",
    }).format(new Date(iso));
  }
  const shown = (value) => (value === null || value === undefined ? "–"
    : typeof value === "object" ? JSON.stringify(value) : String(value));
  function difference(c) {
    const keys = [...new Set([...Object.keys(c.before || {}), ...Object.keys(c.after || {})])];
    return h("ul", { class: "ad-diff" }, keys.map((key) => h("li", null, h("code", null, key), ": ",
      c.before ? h("del", null, shown(c.before[key])) : "", c.before && c.after ? " → " : "",
      c.after ? h("ins", null, shown(c.after[key])) : "")));
  }
  function renderChanges() {
    const rows = state.setup.changes.map((c) => h("tr", null,
      cell(when(c.at)), cell(c.actor), cell(t("entity." + c.entity), " ", h("strong", null, c.key)),
      cell(t("action." + c.action)), cell(difference(c))));
    fillTable("ad-changes", rows, 5);
  }

  // ---------------------------------------------------------------- render
  function render() {
    const has = Boolean(state.setup);
    tabs.forEach((tab) => {
      tab.disabled = !has && tab.dataset.tab !== "branch";
    });
    if (!has) {
      selectTab("branch");
      renderBranch();
      return;
    }
    renderBranch();
    renderServices();
    renderCounters();
    renderStaff();
    renderDevices();
    renderTokens();
    renderChanges();
    document.body.dataset.loaded = state.setup.branch.code;
  }

  cf.i18n.onChange(() => {
    if (notice) {
      const [kind, key, params] = notice;
      $("ad-error").textContent = kind === "error" ? t(key, params) : "";
      $("ad-info").textContent = kind === "info" ? t(key, params) : "";
    }
    if (state.auth) {
      renderBranchPicker();
      render();
    }
  });
  document.querySelectorAll(".ad-lang [data-locale]").forEach((button) => {
    button.addEventListener("click", () => {
      cf.i18n.setLocale(button.dataset.locale);
      document.querySelectorAll(".ad-lang [data-locale]").forEach((b) =>
        b.setAttribute("aria-pressed", String(b.dataset.locale === cf.i18n.locale)));
    });
  });
  cf.hub.onChange((available) => {
    document.body.dataset.hub = available ? "available" : "unavailable";
  });

  // Sections in files of their own (ticket_logo.js) use these; they listen for body[data-loaded].
  window.counterflowAdmin = { state, api, change, info, refuse, t };

  // ---------------------------------------------------------------- start
  selectTab("branch");
  session.restore();
})();
