/* Supervisor panel, the comment book (意見簿): comments from customers' ticket pages and paper comments
 * registered here; each is answered, marked handled and archived (server/queue/comments.py).
 * The list is read again when the tab is shown and when a comment.* event reaches the supervisor room.
 */
(function () {
  "use strict";
  const sv = window.counterflowSupervisor;
  const { cf, page, h, t, $ } = sv;
  // Replies being typed, by comment id: the list is drawn again on every comment.* event, and a draft
  // must survive that (a supervisor answering while another comment arrives).
  const state = { comments: [], loaded: false, drafts: new Map() };
  const path = (id, action) => `${page.api.comments}/${encodeURIComponent(id)}/${action}`;

  async function load() {
    if (!sv.state.auth) return;
    const status = $("sv-cb-filter").value;
    try {
      const data = await sv.api("GET", page.api.comments + (status ? "?status=" + status : ""));
      state.comments = data.comments;
      state.loaded = true;
      render();
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
    }
  }

  function meta(c) {
    const params = { time: sv.clock(c.received_at), source: t("cb.from." + c.source), number: c.number };
    return t(c.number ? "cb.meta_number" : "cb.meta", params);
  }

  function item(c) {
    const reply = h("textarea", { rows: "2", maxlength: "2000", "aria-label": t("cb.reply_label") });
    reply.value = state.drafts.get(c.id) || "";
    reply.addEventListener("input", () => state.drafts.set(c.id, reply.value));
    const act = (action, body) => async () => {
      try {
        await sv.api("POST", path(c.id, action), body ? body() : undefined);
        if (action === "reply") state.drafts.delete(c.id);
        await load();
      } catch (err) {
        if (!(err instanceof cf.api.ApiError)) throw err;
        sv.refuseError(err);
      }
    };
    const archived = c.status === "archived";
    return h("li", { class: "sv-cb-item is-" + c.status, dataset: { comment: String(c.id), status: c.status } },
      h("p", { class: "sv-cb-head" },
        h("span", { class: "sv-badge sv-cb-status" }, t("cb.status." + c.status)), " ",
        h("span", { class: "sv-muted" }, meta(c)),
        c.score ? h("span", { class: "sv-muted" }, " · " + t("cb.score", { n: c.score })) : null),
      h("p", { class: "sv-cb-text" }, c.text),
      c.contact ? h("p", { class: "sv-muted" }, t("cb.contact_is", { contact: c.contact })) : null,
      c.reply ? h("p", { class: "sv-cb-reply" }, t("cb.reply_by", { name: sv.who(c.replied_by), time: sv.clock(c.replied_at), reply: c.reply })) : null,
      archived ? null : h("div", { class: "sv-cb-actions" },
        reply,
        h("div", { class: "sv-buttons" },
          h("button", { type: "button", class: "cf-button", dataset: { act: "reply" },
                        onclick: act("reply", () => ({ reply: reply.value.trim() })) }, t("cb.reply")),
          c.status === "handled" ? null : h("button", { type: "button", class: "cf-button", dataset: { act: "handled" },
                                                          onclick: act("handled") }, t("cb.handled")),
          c.status === "handled" ? h("button", { type: "button", class: "cf-button", dataset: { act: "archive" },
                                                 onclick: act("archive") }, t("cb.archive")) : null)));
  }

  function render() {
    const list = $("sv-cb-list");
    list.replaceChildren(...(state.comments.length ? state.comments.map(item)
      : [h("li", { class: "sv-empty" }, t("cb.empty"))]));
  }

  $("sv-cb-filter").addEventListener("change", load);
  $("sv-cb-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = { text: form.elements.text.value.trim() };
    if (form.elements.number.value.trim()) body.number = form.elements.number.value.trim();
    if (form.elements.contact.value.trim()) body.contact = form.elements.contact.value.trim();
    try {
      await sv.api("POST", page.api.comments, body);
      form.reset();
      sv.info("cb.registered");
      await load();
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
    }
  });

  sv.follow("reports", "comment.", load, render);
  sv.hooks.signedIn.push(() => {
    state.comments = [];
    state.loaded = false;
    state.drafts.clear();
  });
})();
