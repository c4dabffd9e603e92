/* The supervisor edits a round sheet (巡視表) on the rounds page: one row per item with its key, its
 * group and its text in Traditional Chinese, Simplified Chinese (left empty: made from the Traditional
 * text by the hub) and English; add, remove, save (PUT round-sheets/<kind>). See rounds.js. */
(function () {
  "use strict";

  const cf = window.CounterFlow;
  const page = cf.page;
  const t = (key, params) => cf.i18n.t(key, params);
  const h = cf.ui.h;
  const $ = (id) => document.getElementById(id);
  const rounds = window.CounterFlowRounds;
  const FIELDS = [["key", "sheet_key"], ["group.zh_Hant", "sheet_group"], ["group.en", "sheet_group"],
    ["text.zh_Hant", "sheet_text"], ["text.zh_Hans", "sheet_text"], ["text.en", "sheet_text"]];
  const LANG = { zh_Hant: "zh-Hant", zh_Hans: "zh-Hans", en: "en" };
  let rows = [];

  const get = (item, path) => path.split(".").reduce((v, k) => (v || {})[k], item) || "";
  function set(item, path, value) {
    const [head, tail] = path.split(".");
    if (tail) item[head] = Object.assign({}, item[head], { [tail]: value });
    else item[head] = value;
  }

  function render() {
    const header = h("tr", null, ...FIELDS.map(([path, key]) => {
      const lang = path.split(".")[1];
      return h("th", { scope: "col" }, t(key), lang ? ` (${cf.i18n.language(lang).name})` : "");
    }), h("th", null));
    const body = rows.map((item, index) => h("tr", null, ...FIELDS.map(([path]) => h("td", null, h("input", {
      value: get(item, path), lang: LANG[path.split(".")[1]] || null, "aria-label": path,
      dataset: { field: path, row: index }, oninput: (event) => set(item, path, event.target.value),
    }))), h("td", null, h("button", { type: "button", class: "cf-button", onclick: () => {
      rows.splice(index, 1);
      render();
    } }, t("remove_item")))));
    $("rd-editor").replaceChildren(
      h("h2", null, t("edit_sheet"), " · ", t("kind." + rounds.kind)),
      h("div", { class: "rd-editor-scroll" }, h("table", { class: "rd-editor-table" }, h("thead", null, header),
        h("tbody", null, ...body))),
      h("div", { class: "rd-actions" },
        h("button", { type: "button", class: "cf-button", onclick: () => {
          rows.push({ key: "", group: Object.assign({}, (rows[rows.length - 1] || {}).group), text: {} });
          render();
        } }, t("add_item")),
        h("button", { type: "button", class: "cf-button primary", id: "rd-save-sheet", onclick: save }, t("save_sheet")),
        h("button", { type: "button", class: "cf-button", onclick: () => ($("rd-editor").hidden = true) }, t("close_editor"))));
  }

  async function save() {
    // An emptied Simplified text is left out, so the hub makes it from the Traditional one.
    const items = rows.map((item) => {
      const texts = (value) => Object.fromEntries(Object.entries(value || {}).filter(([, v]) => (v || "").trim()));
      return { key: item.key.trim(), group: texts(item.group), text: texts(item.text) };
    });
    try {
      await rounds.api("PUT", page.api.sheet.replace("{kind}", rounds.kind), { items });
    } catch (err) {
      rounds.refuse(err);
      return;
    }
    rounds.say("info", "sheet_saved");
    $("rd-editor").hidden = true;
    rounds.reload();
  }

  $("rd-edit").addEventListener("click", () => {
    rows = rounds.items.map((item) => JSON.parse(JSON.stringify(item)));
    render();
    $("rd-editor").hidden = false;
    $("rd-editor").scrollIntoView({ block: "start" });
  });
  cf.i18n.onChange(() => {
    if (!$("rd-editor").hidden) render();
  });
})();
