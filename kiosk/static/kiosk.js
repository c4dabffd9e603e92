/* Kiosk: one button per service, the issued ticket on screen, a guide's priority mode. */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const t = (key, params) => cf.i18n.t(key, params);
  const h = cf.ui.h;
  const page = cf.page;
  const $ = (id) => document.getElementById(id);
  const ks = window.counterflowKioskStates; // closed, unavailable, staff-only (kiosk_states.js)

  const state = {
    services: [], // public queue rows: {service, name_zh, name_en, name_zh_hans, waiting, estimated_wait_s}
    status: "connecting", // of the real-time connection: connecting | online | offline
    busy: false,
    ticket: null, // the ticket on the result screen
    guide: null, // {token, name} while a guide is signed in
    countdown: null,
    guideIdle: null,
    notice: null, // message key shown on the start screen
  };

  // ---------------------------------------------------------------- device token (?token= once)
  const params = new URLSearchParams(window.location.search);
  if (params.get("token")) {
    cf.storage.set(page.token_key, params.get("token"));
    params.delete("token");
    const rest = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : ""));
  }
  const deviceToken = () => cf.storage.get(page.token_key);

  // ---------------------------------------------------------------- rendering
  function serviceName(row) {
    return cf.i18n.name(row);
  }

  function renderBranch() {
    $("k-branch").textContent = cf.i18n.name(page.branch);
  }

  // Buttons are updated in place, and rebuilt only when the services change: a button replaced
  // between a finger's touch and its lift would swallow the tap (queue.changed comes often).
  function renderServices() {
    const box = $("k-services");
    // No button while the hub cannot issue (socket down, or 503: its database is away): the kiosk
    // never pretends to issue a ticket it cannot (docs/deployment.md, "Outages").
    const guide = !!state.guide;
    const disabled = state.status !== "online" || !cf.hub.available || state.busy || (!deviceToken() && !guide)
      || ks.closedFor(guide);
    const rows = ks.visible(state.services, guide);
    const codes = rows.map((row) => row.service).join(",");
    if (box.dataset.codes !== codes) {
      box.dataset.codes = codes;
      box.replaceChildren(...rows.map(serviceButton));
    }
    rows.forEach((row) => {
      const button = box.querySelector(`[data-service="${row.service}"]`);
      button.querySelector(".k-name").textContent = serviceName(row);
      button.querySelector(".k-waiting").textContent = t("waiting_n", { n: row.waiting });
      const unavailable = ks.unavailable(row);
      const note = button.querySelector(".k-state");
      note.hidden = !unavailable;
      note.textContent = unavailable ? t(ks.refused(row, guide) ? "currently_unavailable" : "no_counter_open") : "";
      button.classList.toggle("is-unavailable", unavailable);
      button.disabled = disabled || ks.refused(row, guide);
    });
    box.setAttribute("aria-busy", rows.length ? "false" : "true");
    renderNotice();
  }

  function serviceButton(row) {
    // Accessible name = the service name (the letter and the count are aria-hidden); the count is
    // still read, as the button's description.
    return h(
      "button",
      {
        type: "button",
        class: "k-service-btn",
        dataset: { service: row.service },
        "aria-describedby": "k-wait-" + row.service + " k-state-" + row.service,
        onclick: () => issue(state.services.find((s) => s.service === row.service) || row),
      },
      h("span", { class: "k-code", "aria-hidden": "true" }, row.service),
      h("span", { class: "k-name" }),
      h("span", { class: "k-waiting", id: "k-wait-" + row.service, "aria-hidden": "true" }),
      h("span", { class: "k-state", id: "k-state-" + row.service, "aria-hidden": "true", hidden: true }),
    );
  }

  function renderNotice() {
    let key = state.notice;
    const closed = ks.closedFor(!!state.guide) ? ks.closedNotice() : null;
    if (!key && closed) {
      const el = $("k-notice");
      el.hidden = false;
      el.textContent = t(closed.key, closed.params);
      return;
    }
    if (!key && !cf.hub.available) key = "issue_unavailable";
    if (!key && state.status === "offline") key = "offline";
    if (!key && !deviceToken() && !state.guide) key = "not_registered";
    const el = $("k-notice");
    el.hidden = !key;
    if (key) el.textContent = t(key);
  }

  function renderGuide() {
    const bar = $("k-guide-bar");
    bar.hidden = !state.guide;
    $("k-staff").hidden = !!state.guide;
    if (state.guide) $("k-guide-name").textContent = t("guide_mode", { name: state.guide.name });
  }

  function renderResult() {
    const ticket = state.ticket;
    if (!ticket) return;
    $("k-number").textContent = ticket.number;
    $("k-service").textContent = cf.i18n.name(ticket, "service_");
    $("k-ahead").textContent = t("people_ahead", { n: ticket.people_ahead ?? 0 });
    // null: no open counter serves it, so no promise; 0: a counter is free for them.
    $("k-wait").textContent = ticket.estimated_wait_s === null || ticket.estimated_wait_s === undefined
      ? t(ticket.warning === "no_counter_open" ? "no_counter_warning" : "no_estimate")
      : !ticket.estimated_wait_s ? t("no_wait")
        : cf.ui.underAMinute(ticket.estimated_wait_s) ? t("wait_under_minute")
          : t("estimated_wait", { min: cf.ui.minutes(ticket.estimated_wait_s) });
    const cls = $("k-class");
    cls.hidden = !ticket.priority || ticket.priority === "normal";
    if (!cls.hidden) cls.textContent = t(ticket.priority === "vip" ? "vip_ticket" : "priority_ticket");
    // The devices layer sets printed=false when the printer failed; missing/null means printed.
    const notPrinted = ticket.printed === false;
    $("k-take").hidden = notPrinted;
    $("k-qr").hidden = !notPrinted;
    $("k-result").classList.toggle("has-qr", notPrinted);
    if (notPrinted) $("k-qr-img").src = page.qr_path.replace("{token}", encodeURIComponent(ticket.tracking_token));
  }

  function renderCountdown(seconds) {
    $("k-countdown").textContent = t("back_in", { s: seconds });
  }

  // ---------------------------------------------------------------- screens
  function showResult(ticket) {
    state.ticket = ticket;
    renderResult();
    $("k-start").hidden = true;
    $("k-result").hidden = false;
    document.body.dataset.screen = "result";
    $("k-result").focus();
    let left = ticket.printed === false ? page.qr_result_seconds : page.result_seconds;
    renderCountdown(left);
    clearInterval(state.countdown);
    state.countdown = setInterval(() => {
      left -= 1;
      if (left <= 0) backToStart();
      else renderCountdown(left);
    }, 1000);
  }

  function backToStart() {
    clearInterval(state.countdown);
    state.ticket = null;
    $("k-result").hidden = true;
    $("k-start").hidden = false;
    document.body.dataset.screen = "start";
    $("k-qr-img").removeAttribute("src");
    // The next customer starts in the kiosk's own language.
    if (!state.guide) setLocale(page.locale);
    renderServices();
  }

  function setLocale(locale) {
    cf.i18n.setLocale(locale);
    document.querySelectorAll(".cf-lang button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.locale === cf.i18n.locale));
    });
  }

  cf.i18n.onChange(() => {
    renderBranch();
    renderServices();
    renderGuide();
    renderResult();
  });

  // ---------------------------------------------------------------- issuing
  async function issue(row) {
    if (state.busy) return;
    state.busy = true;
    state.notice = null;
    renderServices();
    const body = { service: row.service };
    if (state.guide) {
      body.priority = document.querySelector('input[name="k-priority"]:checked').value;
      body.channel = "guide";
    }
    try {
      const ticket = await cf.api.request("POST", page.api.issue, {
        body,
        token: state.guide ? state.guide.token : deviceToken(),
      });
      showResult(ticket);
    } catch (err) {
      if (err.status === 401 && state.guide) signOutGuide();
      if (err.code === "hall_closed") ks.refresh();
      state.notice =
        err.code === "hall_closed" ? null // the closed notice says it, from the refreshed hall state
        : ["service_inactive", "service_unavailable", "staff_only_service"].includes(err.code) ? "service_unavailable"
        : err.status === 401 ? "not_registered"
        : [502, 503, 504].includes(err.status) ? null // cf.hub is unavailable: renderNotice says so until it is back
        : err.status === 0 ? "offline"
        : "issue_failed";
    } finally {
      state.busy = false;
      renderServices();
    }
  }

  // ---------------------------------------------------------------- guide mode
  const dialog = $("k-signin");

  function signInError(key) {
    const el = $("k-signin-error");
    el.hidden = !key;
    el.textContent = key ? t(key) : "";
  }

  $("k-staff").addEventListener("click", () => {
    signInError(null);
    $("k-signin-form").reset();
    dialog.showModal();
  });
  $("k-signin-cancel").addEventListener("click", () => dialog.close());
  $("k-signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const who = await cf.api.request("POST", page.api.sign_in, {
        body: { username: form.get("username"), password: form.get("password") },
      });
      if (!["guide", "supervisor", "admin"].includes(who.role)) {
        cf.api.request("POST", page.api.sign_out, { token: who.token }).catch(() => {});
        signInError("not_guide");
        return;
      }
      state.guide = { token: who.token, name: who.display_name || who.username };
      dialog.close();
      touchGuide();
      renderGuide();
      renderServices();
    } catch (err) {
      signInError(err.status === 401 ? "wrong_credentials" : "offline");
    }
  });

  function signOutGuide() {
    if (!state.guide) return;
    const token = state.guide.token;
    state.guide = null;
    clearTimeout(state.guideIdle);
    cf.api.request("POST", page.api.sign_out, { token }).catch(() => {});
    renderGuide();
    renderServices();
  }

  function touchGuide() {
    if (!state.guide) return;
    clearTimeout(state.guideIdle);
    state.guideIdle = setTimeout(signOutGuide, page.guide_idle_seconds * 1000);
  }

  $("k-guide-out").addEventListener("click", signOutGuide);
  document.addEventListener("pointerdown", touchGuide);
  $("k-done").addEventListener("click", backToStart);
  document.querySelectorAll(".cf-lang button").forEach((b) => {
    b.addEventListener("click", () => setLocale(b.dataset.locale));
  });

  // ---------------------------------------------------------------- real time
  const banner = cf.ui.connectionBanner();
  const client = cf.connect({
    join: page.join,
    token: deviceToken,
    onSnapshot(snapshot) {
      state.services = snapshot.services;
      ks.set(snapshot.hall);
      renderServices();
    },
    onEvent(message) {
      if (["day.closed", "branch.opened", "branch.updated"].includes(message.event)) ks.refresh();
      if (message.event === "queue.changed") {
        state.services = cf.mergeQueue(state.services, message.data.queue);
        renderServices();
      }
    },
    onStatus(status) {
      state.status = status;
      banner(status);
      renderServices();
    },
  });

  cf.hub.onChange(() => renderServices()); // buttons off while the hub is unavailable, on again after
  ks.onChange(() => renderServices());

  window.counterflowKiosk = { state, client, showResult }; // showResult: kiosk_check_in.js too
  renderBranch();
  renderGuide();
  renderNotice();
})();
