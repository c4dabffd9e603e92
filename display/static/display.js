/* Lobby display: live calls, queue and counters, announced with a chime and speech, one at a time. */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const page = cf.page;
  const h = cf.ui.h;
  const $ = (id) => document.getElementById(id);
  const primary = page.locale;
  const secondary = page.secondary;

  // ---------------------------------------------------------------- device token (?token= once)
  const params = new URLSearchParams(window.location.search);
  if (params.get("token")) {
    cf.storage.set(page.token_key, params.get("token"));
    params.delete("token");
    const rest = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : ""));
  }

  // ---------------------------------------------------------------- text helpers
  // A label in the page language with the second language under it.
  function bi(key, values) {
    const parts = [h("span", { class: "d-primary" }, cf.i18n.t(key, values, primary))];
    if (secondary) {
      parts.push(h("span", { class: "d-second", lang: page.languages[secondary].html }, cf.i18n.t(key, values, secondary)));
    }
    return parts;
  }

  function biName(row) {
    const pick = (locale) => cf.i18n.name(row, "", locale);
    const parts = [h("span", { class: "d-primary" }, pick(primary))];
    if (secondary && pick(secondary) !== pick(primary)) {
      parts.push(h("span", { class: "d-second", lang: page.languages[secondary].html }, pick(secondary)));
    }
    return parts;
  }

  // "A001" -> "A 0 0 1": speech engines then read each character instead of "A one".
  const spell = (number) => number.split("").join(" ");
  const callKey = (ticket) => [ticket.number, ticket.called_at, ticket.recall_count].join("|");
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // ---------------------------------------------------------------- announcements
  /* Every call or recall is queued and played in order: chime, then each language, never two at
   * once. `log` keeps what was queued (and when it played) for tests and diagnostics. */
  class Announcer {
    constructor() {
      this.log = [];
      this.queue = [];
      this.playing = false;
    }

    add(ticket, kind) {
      const entry = {
        number: ticket.number,
        counter: ticket.counter,
        kind,
        key: callKey(ticket),
        texts: page.announce_locales.map((locale) => ({
          lang: page.languages[locale].speech,
          text: cf.i18n.t("speech_call", { number: spell(ticket.number), counter: ticket.counter }, locale),
        })),
        state: "queued",
        queued_at: Date.now(),
      };
      this.log.push(entry);
      if (this.log.length > 200) this.log.splice(0, this.log.length - 200);
      this.queue.push(entry);
      this.pump();
      return entry;
    }

    async pump() {
      if (this.playing) return;
      this.playing = true;
      try {
        while (this.queue.length) {
          const entry = this.queue.shift();
          entry.state = "playing";
          entry.started_at = Date.now();
          await cf.sound.chime();
          for (const { lang, text } of entry.texts) await cf.sound.speak(text, lang);
          entry.state = "done";
          entry.done_at = Date.now();
          await sleep(400);
        }
      } finally {
        this.playing = false;
      }
    }
  }

  const announcer = new Announcer();

  // ---------------------------------------------------------------- state
  const state = {
    services: [],
    counters: new Map(), // number -> public counter
    calls: [], // newest first; [0] is the current call
    message: "",
    snapshots: 0,
    missedCalls: 0, // calls announced from join acks (tests)
  };
  const announced = new Set();

  function call(ticket, kind) {
    state.calls = [ticket, ...state.calls.filter((c) => c.number !== ticket.number)].slice(0, page.recent_calls + 1);
    const counter = state.counters.get(ticket.counter);
    if (counter) counter.current = { number: ticket.number, service: ticket.service, status: ticket.status };
    renderCurrent(true);
    renderRecent();
    renderCounters();
    const key = callKey(ticket);
    if (!announced.has(key)) {
      announced.add(key);
      announcer.add(ticket, kind);
    }
  }

  // A call stays on the wall while its customer is on the way, at the counter, or was served there
  // (the recent list). A no-show, a transfer, a cancelled or abandoned ticket leaves it at once.
  const SHOWN = ["called", "serving", "done"];
  const ACTIVE = ["called", "serving"];

  function ticketMoved(ticket) {
    // Served, gone or transferred: the counter is free again (or serving) on the strip.
    for (const counter of state.counters.values()) {
      if (counter.current && counter.current.number === ticket.number) {
        counter.current = ticket.status === "serving" ? { ...counter.current, status: "serving" } : null;
      }
    }
    state.calls = state.calls
      .map((c) => (c.number === ticket.number && ACTIVE.includes(c.status) ? { ...c, status: ticket.status } : c))
      .filter((c) => SHOWN.includes(c.status));
    renderCurrent(false);
    renderRecent();
    renderCounters();
  }

  // A counter that holds no ticket any more (closed, day close) has nobody on the way to it.
  function counterChanged(counter) {
    state.counters.set(counter.number, counter);
    const holds = counter.current ? counter.current.number : null;
    state.calls = state.calls.filter(
      (c) => c.counter !== counter.number || !ACTIVE.includes(c.status) || c.number === holds);
    renderCurrent(false);
    renderRecent();
    renderCounters();
  }

  // "Now calling" is the newest call still under way; the rest are the recent list.
  const nowCalling = () => (state.calls[0] && ACTIVE.includes(state.calls[0].status) ? state.calls[0] : null);
  const recentCalls = () => state.calls.slice(nowCalling() ? 1 : 0, page.recent_calls + (nowCalling() ? 1 : 0));
  // Other display scripts (wall-star.js) follow the room through these DOM events.
  const share = (detail) => document.dispatchEvent(new CustomEvent("counterflow:display", { detail }));

  function onSnapshot(snapshot, ack) {
    share({ snapshot });
    state.services = snapshot.services;
    state.counters = new Map(snapshot.counters.map((c) => [c.number, c]));
    state.message = snapshot.message;
    state.calls = snapshot.recent_calls.slice(0, page.recent_calls + 1);
    // The first snapshot is history. A later one (after a gap or a reconnect) comes with the calls we
    // missed since our last seq, from the hub's event log: every one of the last minute in order, or
    // only the newest when the gap reaches further back (docs/ui.md, "Protocol").
    const missed = state.snapshots === 0 ? [] : (ack && ack.missed_calls) || [];
    state.missedCalls += missed.length;
    missed.forEach((m) => {
      const key = callKey(m.data.ticket);
      if (announced.has(key)) return; // heard live before the gap: no overlap
      announced.add(key);
      announcer.add(m.data.ticket, m.event === "ticket.recalled" ? "recall" : "call");
    });
    snapshot.recent_calls.forEach((c) => announced.add(callKey(c)));
    state.snapshots += 1;
    renderAll();
  }

  function onEvent(message) {
    const data = message.data || {};
    share({ message });
    switch (message.event) {
      case "ticket.called":
        call(data.ticket, "call");
        break;
      case "ticket.recalled":
        call(data.ticket, "recall");
        break;
      case "ticket.started":
      case "ticket.completed":
      case "ticket.no_show":
      case "ticket.requeued":
      case "ticket.cancelled":
      case "ticket.transferred":
        ticketMoved(data.ticket);
        break;
      case "queue.changed":
        state.services = cf.mergeQueue(state.services, data.queue);
        renderServices();
        break;
      case "display.message":
        state.message = data.message;
        renderMessage();
        break;
      case "day.closed":
        state.calls = [];
        renderCurrent(false);
        renderRecent();
        break;
      default:
        if (message.event.startsWith("counter.") && data.counter) counterChanged(data.counter);
    }
  }

  // ---------------------------------------------------------------- rendering
  function renderCurrent(flash) {
    const box = $("d-current");
    const ticket = nowCalling();
    if (!ticket) {
      box.replaceChildren(h("p", { class: "d-welcome" }, bi("welcome")));
      return;
    }
    const parts = [
      h("p", { class: "d-number" }, ticket.number),
      h("p", { class: "d-to-counter" }, bi("please_go", { counter: ticket.counter })),
    ];
    if (ticket.recall_count) parts.push(h("p", { class: "d-again" }, bi("called_again")));
    if (ticket.channel === "appointment") parts.push(h("p", { class: "d-appointment" }, bi("appointment")));
    if (ticket.channel === "remote") parts.push(h("p", { class: "d-remote" }, bi("remote_ticket")));
    box.replaceChildren(...parts);
    if (flash) {
      box.classList.remove("d-flash");
      void box.offsetWidth; // restart the animation
      box.classList.add("d-flash");
    }
  }

  function renderRecent() {
    $("d-recent-list").replaceChildren(
      ...recentCalls().map((ticket) =>
        h(
          "li",
          { class: "d-recent-item" },
          h("span", { class: "d-r-number" + (ticket.channel === "appointment" ? " is-appointment" : "") }, ticket.number),
          h("span", { class: "d-r-counter" }, bi("counter_n", { counter: ticket.counter })),
          ticket.channel === "remote" ? h("span", { class: "d-r-remote" }, bi("remote_ticket")) : null,
        ),
      ),
    );
  }

  function renderServices() {
    $("d-services").replaceChildren(
      ...state.services.map((row) =>
        h(
          "li",
          { class: "d-service" },
          h("span", { class: "d-s-code", "aria-hidden": "true" }, row.service),
          h("span", { class: "d-s-name" }, biName(row)),
          h("span", { class: "d-s-count" }, bi("waiting_n", { n: row.waiting })),
          row.waiting && row.estimated_wait_s != null // null: no open counter, no promise
            ? h("span", { class: "d-s-est" }, cf.ui.underAMinute(row.estimated_wait_s) ? bi("est_soon")
              : bi("est_wait", { min: cf.ui.minutes(row.estimated_wait_s) }))
            : null,
        ),
      ),
    );
  }

  function counterStatus(counter) {
    if (counter.state === "paused") return bi("counter_paused");
    if (counter.state !== "open") return bi("counter_closed");
    if (counter.current) return [h("span", { class: "d-c-ticket" }, counter.current.number)];
    return bi("counter_idle");
  }

  function renderCounters() {
    const counters = [...state.counters.values()].sort((a, b) => a.number - b.number);
    $("d-counters").replaceChildren(
      ...counters.map((counter) =>
        h(
          "li",
          { class: "d-counter state-" + counter.state, dataset: { counter: counter.number, state: counter.state } },
          h("span", { class: "d-c-number" }, bi("counter_n", { counter: counter.number })),
          h("span", { class: "d-c-state" }, counterStatus(counter)),
        ),
      ),
    );
  }

  function renderMessage() {
    const bar = $("d-message-bar");
    const text = (state.message || "").trim();
    bar.hidden = !text;
    const span = $("d-message-text");
    span.textContent = text;
    const box = $("d-message");
    box.classList.remove("d-scroll");
    // Scroll a message too long for one line, at a readable speed.
    window.requestAnimationFrame(() => {
      if (span.scrollWidth > box.clientWidth) {
        box.style.setProperty("--d-scroll-s", Math.max(12, Math.round(span.scrollWidth / 90)) + "s");
        box.classList.add("d-scroll");
      }
    });
  }

  function renderAll() {
    renderCurrent(false);
    renderRecent();
    renderServices();
    renderCounters();
    renderMessage();
  }

  // ---------------------------------------------------------------- clock in the branch's time zone
  const intl = page.languages[primary].intl;
  const dateFormat = new Intl.DateTimeFormat(intl, {
    timeZone: page.branch.timezone, year: "numeric", month: "long", day: "numeric", weekday: "short",
  });
  const timeFormat = new Intl.DateTimeFormat(intl, {
    timeZone: page.branch.timezone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });

  function tick() {
    const now = new Date();
    $("d-date").textContent = dateFormat.format(now);
    $("d-time").textContent = timeFormat.format(now);
    $("d-time").setAttribute("datetime", now.toISOString());
  }

  tick();
  setInterval(tick, 1000);

  // ---------------------------------------------------------------- sound unlock
  const soundButton = $("d-sound");
  soundButton.addEventListener("click", () => {
    cf.sound.unlock().then(() => {
      soundButton.hidden = !cf.sound.blocked;
    });
  });
  cf.sound.unlock().finally(() => {
    // A display runs with --autoplay-policy=no-user-gesture-required; otherwise someone taps once.
    setTimeout(() => {
      soundButton.hidden = !cf.sound.blocked;
    }, 500);
  });

  // ---------------------------------------------------------------- real time
  const banner = cf.ui.connectionBanner();
  const client = cf.connect({
    join: page.join,
    token: () => cf.storage.get(page.token_key),
    onSnapshot,
    onEvent,
    onStatus: banner,
  });

  window.counterflowDisplay = { announcements: announcer.log, announcer, state, client };
})();
