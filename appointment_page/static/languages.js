/* The language buttons of both appointment pages (cf.ui.languageButtons); a ?lang= in the address wins
 * over the choice remembered on this phone. Loaded before book.js / appointment.js. */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  cf.ui.languageButtons(() => {
    document.getElementById("ap-branch").textContent = cf.i18n.name(cf.page.branch);
  }, { urlWins: true });
})();
