/* Supervisor panel, the teller survey (柜員滿意度調查): set a survey (title and questions in three
 * languages, how often, open and close days), see each survey's results by period (answers, averages,
 * the texts), close it, and download the results as CSV (server/queue/teller_survey.py).
 * Read again when the reports tab is shown and when a survey.* event reaches the supervisor room.
 */
(function () {
  "use strict";
  const sv = window.counterflowSupervisor;
  const { cf, page, h, t, $ } = sv;
  const LOCALES = ["zh_Hant", "zh_Hans", "en"];
  const state = { surveys: [], min: 3 };
  const local = (texts) => texts[cf.i18n.locale] || texts.zh_Hant;

  async function load() {
    if (!sv.state.auth) return;
    try {
      const data = await sv.api("GET", page.api.surveys);
      state.surveys = data.surveys;
      state.min = data.min_responses;
      render();
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
    }
  }

  // ---------------------------------------------------------------- results
  function periodBlock(result) {
    const head = h("h4", {}, t("ts.period_head", { period: result.period, n: result.responses }));
    if (!result.shown) {
      return h("div", { class: "sv-ts-period", dataset: { period: result.period } }, head,
        h("p", { class: "sv-muted" }, t("ts.hidden", { min: state.min })));
    }
    const rows = result.questions.map((q) => h("tr", { dataset: { question: String(q.index) } },
      h("td", {}, local(q.text),
        q.texts && q.texts.length ? h("ul", { class: "sv-ts-texts-list" }, ...q.texts.map((x) => h("li", {}, x))) : null),
      h("td", { class: "num" }, String(q.answered)),
      h("td", { class: "num sv-ts-average" }, q.kind === "rating" && q.average !== null ? q.average.toFixed(2) : "–"),
      h("td", { class: "num" }, q.distribution ? Object.values(q.distribution).join(" / ") : "–")));
    return h("div", { class: "sv-ts-period", dataset: { period: result.period } }, head,
      h("table", { class: "sv-table" },
        h("thead", {}, h("tr", {}, ...["question", "answered", "average", "distribution"].map(
          (c) => h("th", { scope: "col", class: c === "question" ? "" : "num" }, t("ts.col." + c))))),
        h("tbody", {}, ...rows)));
  }

  function item(s) {
    const dates = s.closes_on ? t("ts.dates_to", { period: t("ts.period." + s.period), from: s.opens_on, to: s.closes_on })
      : t("ts.dates", { period: t("ts.period." + s.period), from: s.opens_on });
    const closeable = !s.closes_on || s.closes_on >= page.today;
    return h("li", { class: "sv-ts-item", dataset: { survey: String(s.id) } },
      h("h3", {}, local(s.title), " ",
        h("span", { class: "sv-badge" }, t(s.open ? "ts.state.open" : "ts.state.closed"))),
      h("p", { class: "sv-muted" }, dates),
      h("div", { class: "sv-buttons" },
        h("button", { type: "button", class: "cf-button", dataset: { act: "csv" }, onclick: () => download(s) }, t("ts.csv")),
        closeable ? h("button", { type: "button", class: "cf-button", dataset: { act: "close" },
                                  onclick: () => closeSurvey(s) }, t("ts.close")) : null),
      ...(s.results.length ? s.results.map(periodBlock) : [h("p", { class: "sv-muted" }, t("ts.no_answers"))]));
  }

  function render() {
    $("sv-ts-note").textContent = t("ts.anonymous_note", { n: state.min });
    $("sv-ts-list").replaceChildren(...(state.surveys.length ? state.surveys.map(item)
      : [h("li", { class: "sv-empty" }, t("ts.empty"))]));
    renderQuestionLabels();
  }

  async function closeSurvey(s) {
    try {
      await sv.api("POST", `${page.api.surveys}/${s.id}/close`);
      sv.info("ts.closed");
      await load();
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
    }
  }

  // A download link cannot carry the Authorization header: fetch the file, then save it from memory.
  async function download(s) {
    const response = await fetch(`${page.api.surveys}/${s.id}/results.csv`, {
      headers: { Authorization: "Bearer " + sv.state.auth.token },
    });
    if (!response.ok) {
      sv.refuse("err.other", { code: String(response.status) });
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = h("a", { href: url, download: `counterflow-survey-${s.id}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  // ---------------------------------------------------------------- setting a survey
  function questionRow(kind) {
    const li = h("li", { class: "sv-ts-question" },
      h("label", {}, h("span", { class: "sv-ts-qlabel" }),
        h("select", { name: "kind" }, ...["rating", "text"].map((k) => h("option", { value: k, selected: k === kind }, t("ts.kind." + k))))),
      ...LOCALES.map((loc) => h("label", {}, h("span", { dataset: { lang: loc } }, t("ts.lang." + loc)),
        h("input", { name: "text_" + loc, maxlength: "200", autocomplete: "off", required: loc === "zh_Hant" }))),
      h("button", { type: "button", class: "cf-button", onclick: () => { li.remove(); renderQuestionLabels(); } },
        t("ts.remove_question")));
    return li;
  }

  function renderQuestionLabels() {
    document.querySelectorAll("#sv-ts-questions > li").forEach((li, i) => {
      li.querySelector(".sv-ts-qlabel").textContent = t("ts.question_n", { n: i + 1 });
      li.querySelectorAll("select[name=kind] option").forEach((o) => { o.textContent = t("ts.kind." + o.value); });
      li.querySelectorAll("[data-lang]").forEach((span) => { span.textContent = t("ts.lang." + span.dataset.lang); });
      li.querySelector("button").textContent = t("ts.remove_question");
    });
  }

  function resetForm() {
    $("sv-ts-form").reset();
    $("sv-ts-questions").replaceChildren(questionRow("rating"), questionRow("text"));
    renderQuestionLabels();
  }

  $("sv-ts-add").addEventListener("click", () => {
    $("sv-ts-questions").append(questionRow("rating"));
    renderQuestionLabels();
  });
  $("sv-ts-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const texts = (get) => Object.fromEntries(LOCALES.map((loc) => [loc, get(loc).trim()]));
    const body = {
      title: texts((loc) => form.elements["title_" + loc].value),
      period: form.elements.period.value,
      questions: [...document.querySelectorAll("#sv-ts-questions > li")].map((li) => ({
        kind: li.querySelector("select[name=kind]").value,
        text: texts((loc) => li.querySelector(`input[name=text_${loc}]`).value),
      })),
    };
    if (form.elements.opens_on.value) body.opens_on = form.elements.opens_on.value;
    if (form.elements.closes_on.value) body.closes_on = form.elements.closes_on.value;
    try {
      await sv.api("POST", page.api.surveys, body);
      resetForm();
      sv.info("ts.created");
      await load();
    } catch (err) {
      if (!(err instanceof cf.api.ApiError)) throw err;
      sv.refuseError(err);
    }
  });

  resetForm();
  sv.follow("reports", "survey.", load, render);
  sv.hooks.signedIn.push(() => {
    state.surveys = [];
  });
})();
