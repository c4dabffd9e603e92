/* Counter terminal: the emergency plan's banner (docs/ui.md, "Emergency plan"). While the plan runs the
 * teller sees why, what the supervisor asks, and how calling changed; a paused teller is asked to
 * resume. The plan comes from the counter room (cf.hall); the counter's state from counter.js. */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const t = (key, params) => cf.i18n.t(key, params);
  const $ = (id) => document.getElementById(id);

  function counterPaused() {
    const terminal = window.counterflowCounter;
    const counter = terminal && terminal.state.counter;
    return !!counter && counter.state === "paused";
  }

  function render() {
    const plan = cf.hall.emergency;
    $("ct-emergency").hidden = !plan;
    document.body.classList.toggle("ct-in-emergency", !!plan);
    if (!plan) return;
    $("ct-emergency-reason").textContent = plan.reason ? t("emergency_reason", { reason: plan.reason }) : "";
    $("ct-emergency-instruction").textContent = plan.instruction
      ? t("emergency_instruction", { instruction: plan.instruction }) : "";
    $("ct-emergency-instruction").hidden = !plan.instruction;
    $("ct-emergency-policy").textContent = plan.policy ? t("emergency_policy." + plan.policy) : "";
    $("ct-emergency-resume").hidden = !counterPaused();
  }

  // Resume is the pause button's second meaning (counter.js): the same request, the same checks.
  $("ct-emergency-resume-btn").addEventListener("click", () => $("ct-act-pause").click());
  // counter.js shows #ct-paused exactly while the counter is paused: follow it.
  new MutationObserver(render).observe($("ct-paused"), { attributes: true, attributeFilter: ["hidden"] });
  cf.hall.onChange(render);
  cf.i18n.onChange(render);
  render();
})();
