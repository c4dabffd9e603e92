/* Counter terminal: the teller survey's prompt (柜員滿意度調查). While an open survey waits for this
 * teller's answer in its period, a card asks for it; the dialog shows the questions in the page's
 * language and sends the answers, which the hub stores without the teller (README, "Teller survey").
 *
 * Asked when the teller signs in, when a survey.* event reaches the counter room and every 10 minutes;
 * "Later" hides the card until the next sign-in of this tab.
 */
(function () {
  "use strict";
  const ct = window.counterflowCounter;
  const { cf, h, t, $, state } = ct;
  const REFRESH_MS = 10 * 60 * 1000;
  const local = (texts) => texts[cf.i18n.locale] || texts.zh_Hant;

  let pending = []; // surveys waiting for this teller's answer
  let askedFor = null; // the username the list was read for
  let later = false;

  async function load() {
    if (!state.auth) return;
    try {
      const data = await ct.api("GET", `/api/v1/branches/${encodeURIComponent(state.auth.branch)}/surveys/pending`);
      pending = data.surveys;
    } catch (err) {
      // Kept as it was: asked again at the next survey event or the next round.
    }
    render();
  }

  function render() {
    const card = $("ct-survey");
    if (!state.auth) askedFor = null; // signed out: the next sign-in asks afresh, "Later" forgotten
    if (state.auth && askedFor !== state.auth.username) { // a new sign-in: ask afresh
      askedFor = state.auth.username;
      later = false;
      pending = [];
      load();
    }
    const survey = pending[0];
    card.hidden = !state.auth || !survey || later || state.view === "signin";
    if (!card.hidden) $("ct-survey-title").textContent = t("survey.prompt", { title: local(survey.title) });
  }

  function question(q, i) {
    const name = "q" + i;
    const label = h("legend", {}, `${i + 1}. ${local(q.text)}`);
    if (q.kind === "rating") {
      return h("fieldset", { class: "ct-survey-q", dataset: { kind: "rating" } }, label,
        h("div", { class: "ct-survey-scale" },
          ...[1, 2, 3, 4, 5].map((n) => h("label", { class: "ct-survey-score" },
            h("input", { type: "radio", name, value: String(n) }), h("span", {}, String(n))))),
        h("p", { class: "ct-survey-hint" }, t("survey.rating_scale")));
    }
    return h("fieldset", { class: "ct-survey-q", dataset: { kind: "text" } }, label,
      h("textarea", { name, rows: "2", maxlength: "1000", placeholder: t("survey.optional"), "aria-label": local(q.text) }));
  }

  function openDialog() {
    const survey = pending[0];
    if (!survey) return;
    $("ct-survey-dialog-title").textContent = local(survey.title);
    $("ct-survey-questions").replaceChildren(...survey.questions.map(question));
    $("ct-survey-error").hidden = true;
    $("ct-survey-dialog").showModal();
  }

  function answers(form, survey) {
    return survey.questions.map((q, i) => {
      const field = form.elements["q" + i];
      if (q.kind === "rating") return field.value ? Number(field.value) : null;
      return field.value.trim() || null;
    });
  }

  $("ct-survey-answer").addEventListener("click", openDialog);
  $("ct-survey-later").addEventListener("click", () => {
    later = true;
    render();
  });
  $("ct-survey-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const survey = pending[0];
    try {
      await ct.api("POST", `/api/v1/branches/${encodeURIComponent(state.auth.branch)}/surveys/${survey.id}/answers`,
        { answers: answers(event.target, survey) });
      $("ct-survey-dialog").close();
      pending = pending.slice(1);
      ct.info("survey.thanks");
      render();
    } catch (err) {
      const error = $("ct-survey-error");
      error.hidden = false;
      error.textContent = t(cf.page.errors[err.code] || "err.other", { code: err.code });
      if (err.code === "survey_answered" || err.code === "survey_not_open") load();
    }
  });

  ct.hooks.render.push(render);
  // The render hooks run in the work view only; the chooser (right after sign-in) shows the prompt too.
  new MutationObserver(render).observe(document.body, { attributes: true, attributeFilter: ["data-view"] });
  ct.hooks.event.push((message) => {
    if (message.event.startsWith("survey.") && message.event !== "survey.answered") load();
  });
  cf.i18n.onChange(render);
  setInterval(load, REFRESH_MS);
})();
