/* Lobby display: the emergency plan's notice line while the plan runs (docs/ui.md, "Emergency plan").
 * The display room says only {active: true}; the text is the page's own, in its two languages. */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const bar = document.getElementById("d-emergency-bar");

  function render() {
    bar.hidden = !cf.hall.emergency;
  }

  cf.hall.onChange(render);
  render();
})();
