/* Shared by the branch page, the door page and the ticket page: this phone's remote tickets of a branch
 * (their tracking tokens, kept in localStorage so the door poster can check them in) and a fetch that
 * sends the device cookie (cf.api.request omits cookies on purpose). */
(function () {
  "use strict";
  const cf = window.CounterFlow;

  function tokens(key) {
    try {
      const list = JSON.parse(cf.storage.get(key) || "[]");
      return Array.isArray(list) ? list.filter((t) => typeof t === "string") : [];
    } catch (err) {
      return [];
    }
  }

  function remember(key, token) {
    const list = tokens(key).filter((t) => t !== token);
    list.push(token);
    cf.storage.set(key, JSON.stringify(list.slice(-5)));
  }

  function forget(key, token) {
    cf.storage.set(key, JSON.stringify(tokens(key).filter((t) => t !== token)));
  }

  async function send(method, path, body) {
    const response = await fetch(path, {
      method, credentials: "same-origin", cache: "no-store",
      headers: body === undefined ? { Accept: "application/json" }
        : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    if (!response.ok) {
      const error = (data && data.error) || {};
      const err = new Error(error.message || response.statusText);
      err.status = response.status;
      err.code = error.code || "http_error";
      throw err;
    }
    return data;
  }

  window.CounterFlowRemote = { tokens, remember, forget, send };
})();
