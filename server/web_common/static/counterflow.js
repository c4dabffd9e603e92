/* CounterFlow browser client, shared by every surface: window.CounterFlow.
 *
 *   page       the JSON config the server rendered (#cf-page): locale, catalogs, branch, ...
 *   i18n       t(key, params), setLocale(locale), apply(root), onChange(fn)
 *   api        request(method, path, {body, token}) -> JSON; throws ApiError {status, code, detail}
 *   connect    a real-time room with snapshot, seq tracking, gap recovery and reconnection
 *   mergeQueue merge a queue.changed event's rows into the snapshot's queue table
 *   sound      chime(), speak(text, lang), unlock(), vibrate(pattern)
 *   i18n       t(key, params), setLocale, name(row, prefix): a branch or service name in the locale
 *   storage    get(key) / set(key, value) / remove(key) on localStorage, never throwing
 *   staffSession(options) -> {api, start, end, refused, save, restore, frame}: a staff page's sign-in
 *              card, header (who, sign-out) and the sign-in kept for this tab (docs/architecture.md,
 *              "Staff pages")
 *   hub        available, onChange(fn): false while the hub answers 503 (its database is unreachable)
 *   hall       emergency, onChange(fn): the branch's emergency plan, from any room's snapshot or messages
 *              or cannot be reached; probed every few seconds until it answers again
 *   ui         connectionBanner(client), formatMinutes(seconds), h(tree), languageButtons(onChange, options),
 *              tabs(buttons, onSelect) -> select(name, focus)
 *
 * No UI text lives here: every string comes from page.catalogs (docs/ui.md).
 */
(function () {
  "use strict";

  const page = JSON.parse(document.getElementById("cf-page").textContent);

  // ------------------------------------------------------------------ translations
  const localeListeners = [];

  function format(text, params) {
    if (!params) return text;
    return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in params ? String(params[name]) : whole));
  }

  const i18n = {
    locale: page.locale,
    t(key, params, locale) {
      const catalog = page.catalogs[locale || this.locale] || page.catalogs[page.locale];
      const text = catalog[key];
      if (text === undefined) {
        console.warn("counterflow: no message", key);
        return key;
      }
      return format(text, params);
    },
    language(locale) {
      return page.languages[locale || this.locale];
    },
    // A branch's or service's name in a language: name_en, name_zh_hans (Simplified, falling back to
    // the Traditional name_zh) or name_zh; `prefix` reads e.g. service_name_zh (server/queue/names.py).
    name(row, prefix = "", locale) {
      const loc = locale || this.locale;
      const get = (suffix) => row[prefix + "name_" + suffix];
      if (loc === "en") return get("en") || get("zh");
      if (loc === "zh_Hans") return get("zh_hans") || get("zh");
      return get("zh");
    },
    setLocale(locale) {
      if (!page.catalogs[locale] || locale === this.locale) return;
      this.locale = locale;
      document.documentElement.lang = page.languages[locale].html;
      this.apply(document);
      localeListeners.forEach((fn) => fn(locale));
    },
    onChange(fn) {
      localeListeners.push(fn);
    },
    // <span data-i18n="key">, <img data-i18n-attr="alt=key;title=key2">
    apply(root) {
      root.querySelectorAll("[data-i18n]").forEach((el) => {
        el.textContent = this.t(el.dataset.i18n);
      });
      root.querySelectorAll("[data-i18n-attr]").forEach((el) => {
        el.dataset.i18nAttr.split(";").forEach((pair) => {
          const [attr, key] = pair.split("=").map((s) => s.trim());
          if (attr && key) el.setAttribute(attr, this.t(key));
        });
      });
    },
  };

  // ------------------------------------------------------------------ hub availability
  /* A 503 (database_unavailable, with Retry-After), a proxy's 502/504 or no answer at all marks the
   * hub unavailable; the pages then show "reconnecting" and the kiosk stops offering tickets. /healthz
   * reads the database, so its 200 says the hub can work again (docs/deployment.md, "Outages"). */
  const hub = {
    available: true,
    _listeners: [],
    _probe: null,
    onChange(fn) {
      this._listeners.push(fn);
    },
    _set(available) {
      if (available === this.available) return;
      this.available = available;
      document.documentElement.dataset.hub = available ? "available" : "unavailable";
      if (!available && !this._probe) this._probe = setInterval(() => this._check(), page.hub_probe_ms || 3000);
      if (available && this._probe) {
        clearInterval(this._probe);
        this._probe = null;
      }
      this._listeners.forEach((fn) => fn(available));
    },
    async _check() {
      try {
        const response = await fetch("/healthz", { cache: "no-store", credentials: "omit" });
        if (response.ok) this._set(true);
      } catch (err) {
        /* still away */
      }
    },
  };
  document.documentElement.dataset.hub = "available";

  // ------------------------------------------------------------------ REST API
  class ApiError extends Error {
    constructor(status, code, message, detail) {
      super(message || code);
      this.status = status; // 0 when the hub could not be reached
      this.code = code;
      this.detail = detail || {}; // e.g. the tickets that keep a day from balancing
    }
  }

  async function request(method, path, { body, token, timeoutMs = 8000 } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = "Bearer " + token;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let response;
    try {
      response = await fetch(path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        signal: abort.signal, credentials: "omit", cache: "no-store",
      });
    } catch (err) {
      hub._set(false);
      throw new ApiError(0, "network_error", String(err));
    } finally {
      clearTimeout(timer);
    }
    // 503: the hub's database is away; 502/504: the proxy in front cannot reach any hub process.
    hub._set(![502, 503, 504].includes(response.status));
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new ApiError(response.status, error.code || "http_error", error.message || response.statusText,
        error.detail);
    }
    return data;
  }

  // ------------------------------------------------------------------ real-time rooms
  /* connect({join, token, onSnapshot, onEvent, onStatus, onRefused})
   *   join:       {audience: "display", branch: "demo"} | {audience: "counter", counter_id: 3} | ...
   *   onSnapshot: (snapshot, ack) => ...  the whole truth, stamped with ack.seq; replace your state
   *                                       (a display's ack also has missed_calls since its last seq)
   *   onEvent:    (message) => ...        {event, seq, branch, data}, in seq order, never twice
   *   onStatus:   ("connecting" | "online" | "offline") => ...
   *   onRefused:  (error) => ...          the hub refused the join, e.g. {code: "forbidden"}
   * Returns {resync(), close(), socket, get seq()}.
   */
  /* hall.emergency: the branch's emergency plan as the last snapshot or message of any room said, or
   * null (docs/ui.md, "Emergency plan"). Staff rooms get the plan {reason, instruction, started_by, …},
   * public rooms only {active: true}. hall.onChange(fn) for the surfaces' banners and notices. */
  const hall = {
    emergency: null,
    listeners: [],
    set(emergency) {
      this.emergency = emergency && emergency.active !== false ? emergency : null;
      this.listeners.forEach((fn) => fn(this.emergency));
    },
    observe(message) {
      if (message.event === "emergency.started") this.set((message.data || {}).emergency || { active: true });
      else if (message.event === "emergency.ended") this.set(null);
    },
    onChange(fn) {
      this.listeners.push(fn);
    },
  };
  const SETUP_EVENTS = ["branch.updated", "service.updated"];

  function connect(options) {
    const opts = Object.assign({ gapWaitMs: 700, refreshMs: 5 * 60 * 1000, nudgeDelayMs: 250 }, options);
    let seq = null; // last seq applied; null until the first snapshot of this connection
    let since = null; // last seq applied before a reconnect: the join asks for what came after it
    let stream = "full";
    let key = null;
    let early = []; // messages that came before the snapshot
    const pending = new Map(); // seq -> message that came after a hole
    let gapTimer = null;
    let gapWait = opts.gapWaitMs; // doubles while holes keep coming back, so a confused hub is not hammered
    let nudgeTimer = null;
    let joinTimer = null;
    let status = null;

    const socket = window.io({
      path: page.socket_path,
      auth: (cb) => cb(opts.token ? { token: typeof opts.token === "function" ? opts.token() : opts.token } : {}),
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
      timeout: 5000,
    });

    function setStatus(next) {
      if (next === status) return;
      status = next;
      if (opts.onStatus) opts.onStatus(next);
    }

    function deliver(message) {
      seq = message.seq;
      gapWait = opts.gapWaitMs;
      hall.observe(message);
      if (message.event !== "tick" && opts.onEvent) opts.onEvent(message);
      // The branch's set-up changed (admin console): services may have come or gone, names changed.
      if (SETUP_EVENTS.includes(message.event)) resync();
    }

    function drain() {
      while (pending.has(seq + 1)) {
        const next = pending.get(seq + 1);
        pending.delete(seq + 1);
        deliver(next);
      }
      for (const s of [...pending.keys()]) if (s <= seq) pending.delete(s);
      if (pending.size === 0 && gapTimer) {
        clearTimeout(gapTimer);
        gapTimer = null;
      }
    }

    function heartbeat(message) {
      // The hub's last delivered seq for the branch, every few seconds: ahead of ours means a message
      // never reached us (docs/ui.md, "Protocol"). Holes already waiting have their own timer.
      if (!message || typeof message.seq !== "number" || seq === null || stream !== "full") return;
      if (message.seq > seq && pending.size === 0) resync();
    }

    function receive(message) {
      if (!message || typeof message.seq !== "number") return;
      if (seq === null) {
        early.push(message);
        return;
      }
      if (message.seq <= seq) return; // already part of the snapshot
      if (stream === "sparse") {
        // Only this client's own events arrive, with holes between: each one is news, then the
        // snapshot brings the rest (e.g. people ahead after someone else was called).
        seq = message.seq;
        if (message.event !== "tick" && message.event !== "queue.changed" && opts.onEvent) opts.onEvent(message);
        clearTimeout(nudgeTimer);
        nudgeTimer = setTimeout(resync, opts.nudgeDelayMs);
        return;
      }
      if (message.seq === seq + 1) {
        deliver(message);
        drain();
        return;
      }
      // A hole: concurrent requests may publish out of order, so wait a moment before resyncing.
      pending.set(message.seq, message);
      if (!gapTimer) {
        gapTimer = setTimeout(() => {
          gapTimer = null;
          if (pending.size) {
            gapWait = Math.min(gapWait * 2, 30000);
            resync();
          }
        }, gapWait);
      }
    }

    function join() {
      clearTimeout(joinTimer);
      if (!socket.connected) return;
      const last = seq !== null ? seq : since;
      const request = last !== null ? Object.assign({}, opts.join, { since: last }) : opts.join;
      socket.timeout(8000).emit("join", request, (err, ack) => {
        if (err || !ack) {
          joinTimer = setTimeout(join, 1500);
          return;
        }
        if (!ack.ok) {
          if (ack.error && ack.error.code === "database_unavailable") {
            hub._set(false); // the hub is up, its database is not: try again shortly, nothing was refused
            joinTimer = setTimeout(join, 3000);
            return;
          }
          if (ack.error && ack.error.code === "internal_error") joinTimer = setTimeout(join, 3000);
          if (opts.onRefused) opts.onRefused(ack.error);
          return;
        }
        key = ack.key;
        stream = ack.stream;
        if (seq !== null && ack.seq < seq) {
          // Events newer than this snapshot were applied while it travelled: our state is newer.
          // (A hole still open keeps its timer and asks again.)
          setStatus("online");
          return;
        }
        seq = ack.seq;
        since = null;
        opts.onSnapshot(ack.snapshot, ack);
        if (ack.snapshot && "emergency" in ack.snapshot) hall.set(ack.snapshot.emergency);
        const waiting = early.concat([...pending.values()]).sort((a, b) => a.seq - b.seq);
        early = [];
        pending.clear();
        waiting.forEach(receive);
        setStatus("online");
      });
    }

    function resync() {
      join(); // join is idempotent and answers with a fresh snapshot
    }

    socket.on("connect", () => {
      if (seq !== null) since = seq;
      seq = null; // anything may have happened while we were away
      setStatus("connecting");
      join();
    });
    socket.on("disconnect", () => setStatus("offline"));
    socket.on("connect_error", () => setStatus("offline"));
    // A "batch" packet carries several messages that were ready together, in order. "session.ended":
    // the token was revoked or expired and the hub took this socket out of its staff rooms.
    socket.onAny((name, payload) => {
      if (name === "session.ended") {
        if (opts.onRefused) opts.onRefused({ code: (payload && payload.code) || "invalid_token" });
        return;
      }
      if (name === "heartbeat") heartbeat(payload);
      else if (name === "batch") payload.forEach(receive);
      else receive(payload);
    });
    const refresher = setInterval(() => socket.connected && resync(), opts.refreshMs);
    setStatus("connecting");

    return {
      socket,
      resync,
      get seq() {
        return seq;
      },
      close() {
        clearInterval(refresher);
        if (key && socket.connected) socket.emit("leave", { key });
        socket.close();
      },
    };
  }

  // ------------------------------------------------------------------ sound and vibration
  const sound = {
    _ctx: null,
    context() {
      if (!this._ctx) {
        const Ctx = window.AudioContext || window.webkitAudioContext;
        this._ctx = Ctx ? new Ctx() : null;
      }
      return this._ctx;
    },
    // Browsers start audio suspended until the user touches the page (autoplay policy).
    get blocked() {
      const ctx = this.context();
      return !ctx || ctx.state !== "running";
    },
    unlock() {
      const ctx = this.context();
      return ctx && ctx.state === "suspended" ? ctx.resume() : Promise.resolve();
    },
    // Two-tone "ding-dong" before an announcement.
    chime() {
      const ctx = this.context();
      if (!ctx || ctx.state !== "running") return Promise.resolve(false);
      const start = ctx.currentTime + 0.05;
      [[880, 0], [660, 0.45]].forEach(([hz, offset]) => {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = "sine";
        osc.frequency.value = hz;
        gain.gain.setValueAtTime(0.0001, start + offset);
        gain.gain.exponentialRampToValueAtTime(0.5, start + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.8);
        osc.connect(gain).connect(ctx.destination);
        osc.start(start + offset);
        osc.stop(start + offset + 0.85);
      });
      return new Promise((resolve) => setTimeout(() => resolve(true), 1350));
    },
    voice(lang) {
      if (!("speechSynthesis" in window)) return null;
      const voices = window.speechSynthesis.getVoices();
      const want = lang.toLowerCase();
      return (
        voices.find((v) => v.lang.replace("_", "-").toLowerCase() === want) ||
        voices.find((v) => v.lang.toLowerCase().startsWith(want.split("-")[0])) ||
        null
      );
    },
    // Resolves when spoken, on error, or after a bound: some engines never fire "end".
    speak(text, lang, { rate = 0.9 } = {}) {
      if (!("speechSynthesis" in window)) return Promise.resolve(false);
      return new Promise((resolve) => {
        const utterance = new SpeechSynthesisUtterance(text);
        utterance.lang = lang;
        utterance.rate = rate;
        const voice = this.voice(lang);
        if (voice) utterance.voice = voice;
        const bound = setTimeout(() => finish(false), 1500 + text.length * 180);
        function finish(ok) {
          clearTimeout(bound);
          resolve(ok);
        }
        utterance.onend = () => finish(true);
        utterance.onerror = () => finish(false);
        window.speechSynthesis.speak(utterance);
      });
    },
    vibrate(pattern) {
      return typeof navigator.vibrate === "function" ? navigator.vibrate(pattern) : false;
    },
  };

  // ------------------------------------------------------------------ small helpers
  const storage = {
    get(key) {
      try {
        return window.localStorage.getItem(key);
      } catch (err) {
        return null;
      }
    },
    set(key, value) {
      try {
        window.localStorage.setItem(key, value);
      } catch (err) {
        /* private mode: the value lives only as long as the page */
      }
    },
    remove(key) {
      try {
        window.localStorage.removeItem(key);
      } catch (err) {
        /* ignore */
      }
    },
  };

  // Staff sign-in from a form. Resolves to the account, or null when `accepts(who)` turns it away
  // (its fresh token is revoked at once); throws ApiError when the hub refuses the credentials.
  async function signIn(form, api, accepts) {
    const who = await request("POST", api.sign_in, {
      body: { username: form.get("username"), password: form.get("password") },
    });
    if (accepts(who)) return who;
    request("POST", api.sign_out, { token: who.token }).catch(() => {});
    return null;
  }

  // A staff page's sign-in, kept for this browser tab only (sessionStorage), as JSON.
  function tabSession(key) {
    return {
      load() {
        try {
          return JSON.parse(window.sessionStorage.getItem(key) || "null");
        } catch (err) {
          return null;
        }
      },
      save(value) {
        try {
          window.sessionStorage.setItem(key, JSON.stringify(value));
        } catch (err) {
          /* storage refused: the session lasts as long as the page */
        }
      },
      clear() {
        try {
          window.sessionStorage.removeItem(key);
        } catch (err) {
          /* ignore */
        }
      },
    };
  }

  const SESSION_GONE = ["invalid_token", "token_expired", "auth_required"];

  /* The sign-in of a staff page (admin console, supervisor panel, rounds page, counter terminal): the
   * card of common/staff.html's signin_card (#<prefix>-signin, -signin-form, -user), the header's
   * #<prefix>-who and #<prefix>-signout (staff_header), and the account kept for this tab under
   * page.storage_key. The page keeps what is its own through the options:
   *   prefix         the ids' prefix: "ad", "sv", "rd", "ct"
   *   state          the page's state: the session keeps the account in state.auth
   *                  {token, username, name, role, branch}
   *   accepts(who)   whether this page serves the account; notAllowed: the message key when it does not
   *   refuse(key, params), clear()   the page's message line: a refusal, nothing
   *   work, view     the id of what is shown signed in, and body[data-view] then ("signin" before)
   *   focus          false: showing the card does not focus the username (a tablet would open its keyboard)
   *   timeoutMs      of the page's API calls (session.api)
   *   onStart(auth, who)  after a sign-in (who: the hub's answer) or a restored one: connect, load...
   *   onEnd()        before the card shows again: close rooms, forget what was loaded
   *   remember()     what the saved sign-in keeps besides the account ({code: ...})
   *   check          restoring asks the hub first (GET page.api.me); a hub away is asked again in 3 s
   *   resume(saved, me)   what a restored sign-in does; default start(saved.auth)
   *   beforeSignOut()     resolves false to stay signed in (the counter terminal closes its counter first)
   *   show(signedIn)  a page with more than one signed-in view switches views itself and calls frame()
   */
  function staffSession(options) {
    const opts = Object.assign({ focus: true }, options);
    const { prefix, state } = opts;
    const el = (name) => document.getElementById(prefix + "-" + name);
    const saved = tabSession(page.storage_key);
    const errorKey = (err) => page.errors[err.code] || "err.other";
    const who = el("who");

    async function api(method, path, body) {
      try {
        return await request(method, path, { body, token: state.auth && state.auth.token, timeoutMs: opts.timeoutMs });
      } catch (err) {
        if (err.status === 401 && state.auth) end("session_ended");
        throw err;
      }
    }

    // The sign-in card or the work area; `view` names body[data-view] (default options.view).
    function frame(signedIn, view) {
      el("signin").hidden = signedIn;
      if (opts.work) document.getElementById(opts.work).hidden = !signedIn;
      el("signout").hidden = !signedIn;
      who.hidden = !signedIn;
      if (signedIn) who.textContent = i18n.t("signed_in_as", { name: state.auth.name });
      else if (opts.focus) el("user").focus();
      document.body.dataset.view = signedIn ? view || opts.view : "signin";
    }
    const show = opts.show || frame;

    function save() {
      saved.save(Object.assign({ auth: state.auth }, opts.remember ? opts.remember() : {}));
    }

    function start(auth, account) {
      state.auth = auth;
      save();
      show(true);
      if (opts.onStart) opts.onStart(auth, account);
    }

    function end(messageKey) {
      if (opts.onEnd) opts.onEnd();
      state.auth = null;
      saved.clear();
      show(false);
      if (messageKey) opts.refuse(messageKey);
    }

    // A room refused or dropped the token (revoked, expired): back to the card. True when it did.
    function refused(error) {
      if (!SESSION_GONE.includes(error.code)) return false;
      end("session_ended");
      return true;
    }

    el("signin-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      let account;
      try {
        account = await signIn(new FormData(event.target), page.api, opts.accepts);
      } catch (err) {
        opts.refuse(err.status === 401 ? "wrong_credentials" : errorKey(err), { code: err.code, message: err.message });
        return;
      }
      if (!account) {
        opts.refuse(opts.notAllowed);
        return;
      }
      event.target.reset();
      opts.clear();
      start({ token: account.token, username: account.username, name: account.display_name || account.username,
        role: account.role, branch: account.branch }, account);
    });

    el("signout").addEventListener("click", async () => {
      if (opts.beforeSignOut && !(await opts.beforeSignOut())) return;
      const token = state.auth && state.auth.token;
      end(null);
      opts.clear();
      if (token) request("POST", page.api.sign_out, { token }).catch(() => {});
    });

    i18n.onChange(() => {
      if (state.auth && !who.hidden) who.textContent = i18n.t("signed_in_as", { name: state.auth.name });
    });

    const resume = opts.resume || ((previous) => start(previous.auth));
    async function restore() {
      const previous = saved.load();
      if (!previous || !previous.auth) {
        show(false);
        return;
      }
      state.auth = previous.auth;
      if (!opts.check) {
        resume(previous);
        return;
      }
      try {
        resume(previous, await api("GET", page.api.me));
      } catch (err) {
        if (err.status === 0 || err.status === 503) { // hub or its database away: not a reason to sign out
          opts.refuse(errorKey(err), { code: err.code });
          setTimeout(restore, 3000);
        } else if (err.status !== 401) {
          end(null);
        }
      }
    }

    return { api, start, end, refused, save, restore, frame };
  }

  const ui = {
    // Shows "connection lost, reconnecting" in #cf-connection after a short grace period (no flashing
    // on blips) while the socket is down or the hub answers 503 (its database is away).
    connectionBanner() {
      const el = document.getElementById("cf-connection");
      let timer = null;
      let socketStatus = null;
      function show(down) {
        clearTimeout(timer);
        if (down) {
          timer = setTimeout(() => {
            el.dataset.i18n = "connection_lost";
            el.textContent = i18n.t("connection_lost");
            el.hidden = false;
            document.documentElement.dataset.reconnecting = "true";
          }, 1500);
        } else if (socketStatus === "online" || socketStatus === null) {
          el.hidden = true;
          delete document.documentElement.dataset.reconnecting;
        }
      }
      hub.onChange((available) => show(!available || socketStatus === "offline"));
      return (status) => {
        socketStatus = status;
        if (status === "offline") show(true);
        else if (status === "online") show(!hub.available);
        document.documentElement.dataset.connection = status;
      };
    },
    // The .cf-lang buttons of the public phone pages: switch live, remember the choice on this phone
    // and restore it on the next visit (unless options.urlWins and the address names a ?lang=).
    // onChange re-renders what the page drew itself (docs/architecture.md, "Phone pages").
    languageButtons(onChange, options) {
      const LANG_KEY = "counterflow.lang";
      const buttons = document.querySelectorAll(".cf-lang button");
      function setLocale(locale) {
        i18n.setLocale(locale);
        storage.set(LANG_KEY, locale);
        buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.locale === i18n.locale)));
      }
      buttons.forEach((b) => b.addEventListener("click", () => setLocale(b.dataset.locale)));
      i18n.onChange(onChange);
      const saved = storage.get(LANG_KEY);
      const urlLang = options && options.urlWins && new URLSearchParams(location.search).get("lang");
      if (saved && saved !== i18n.locale && !urlLang) setLocale(saved);
    },
    // A staff page's role="tablist": buttons [data-tab] each showing its tab panel (aria-controls) when
    // clicked or reached with the arrow keys, the others hidden. body[data-tab] names the one shown;
    // onSelect(name) draws it. Returns select(name, focus).
    tabs(buttons, onSelect) {
      function select(name, focus) {
        buttons.forEach((tab) => {
          const on = tab.dataset.tab === name;
          tab.setAttribute("aria-selected", String(on));
          tab.tabIndex = on ? 0 : -1;
          document.getElementById(tab.getAttribute("aria-controls")).hidden = !on;
          if (on && focus) tab.focus();
        });
        document.body.dataset.tab = name;
        if (onSelect) onSelect(name);
      }
      buttons.forEach((tab, index) => {
        tab.addEventListener("click", () => select(tab.dataset.tab));
        tab.addEventListener("keydown", (event) => {
          const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
          if (!step) return;
          event.preventDefault();
          select(buttons[(index + step + buttons.length) % buttons.length].dataset.tab, true);
        });
      });
      return select;
    },
    minutes(seconds) {
      return Math.max(1, Math.round((seconds || 0) / 60));
    },
    // An estimate under a minute reads "less than a minute" on every screen, never "about 1 min" or
    // "0 min" (docs/architecture.md, "Estimates"); from a minute on, minutes() rounds it.
    underAMinute(seconds) {
      return (seconds || 0) < 60;
    },
    // <element>.replaceChildren(...) from [tag, {attrs}, ...children] trees, without innerHTML.
    h(tag, attrs, ...children) {
      const el = document.createElement(tag);
      Object.entries(attrs || {}).forEach(([name, value]) => {
        if (value === null || value === undefined || value === false) return;
        if (name === "class") el.className = value;
        else if (name === "dataset") Object.assign(el.dataset, value);
        else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
        else el.setAttribute(name, value === true ? "" : value);
      });
      children.flat().forEach((child) => {
        if (child === null || child === undefined || child === false) return;
        el.append(child instanceof Node ? child : document.createTextNode(String(child)));
      });
      return el;
    },
  };

  // queue.changed carries only the rows of the services it touched: merge them into the table.
  function mergeQueue(rows, changed) {
    const byService = new Map(rows.map((row) => [row.service, row]));
    (changed || []).forEach((row) => byService.set(row.service, row));
    return [...byService.values()].sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
  }

  window.CounterFlow = { page, i18n, api: { request, ApiError }, hub, hall, connect, mergeQueue, sound, storage, staffSession, ui };
})();
