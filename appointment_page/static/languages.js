/* The language buttons of both appointment pages: switch live, remember the choice on this phone. */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const LANG_KEY = "counterflow.lang";

  function setLocale(locale) {
    cf.i18n.setLocale(locale);
    cf.storage.set(LANG_KEY, locale);
    document.querySelectorAll(".cf-lang button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.locale === cf.i18n.locale));
    });
  }
  document.querySelectorAll(".cf-lang button").forEach((b) => {
    b.addEventListener("click", () => setLocale(b.dataset.locale));
  });
  const saved = cf.storage.get(LANG_KEY);
  if (saved && saved !== cf.i18n.locale && !new URLSearchParams(location.search).get("lang")) setLocale(saved);
  cf.i18n.onChange(() => {
    document.getElementById("ap-branch").textContent = cf.i18n.name(cf.page.branch);
  });
})();
