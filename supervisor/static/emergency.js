/* Supervisor panel, the emergency plan (docs/ui.md, "Emergency plan"): starting it asks for a reason,
 * takes an optional instruction for the tellers and confirms what the plan will do (the branch's call
 * policy); while it runs, the closed counters that could open, those serving a service whose customers
 * wait too long first, and how many paused tellers are asked to resume. Loaded after panel.js. */
(function () {
  "use strict";
  const sv = window.counterflowSupervisor;
  const { cf, page, h, t, $ } = sv;
  const dialog = $("sv-emergency-confirm");
  let policy = "breached_longest_wait";

  // ---------------------------------------------------------------- starting, with a confirmation
  $("sv-emergency-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = $("sv-emergency-reason").value.trim();
    if (!reason) {
      sv.refuse("err.reason_required");
      $("sv-emergency-reason").focus();
      return;
    }
    try {
      policy = (await sv.api("GET", page.api.hall_settings)).emergency_policy || policy;
    } catch (err) {
      // The confirmation still names the default policy; the start itself reports any failure.
    }
    const instruction = $("sv-emergency-instruction").value.trim();
    $("sv-emergency-confirm-reason").textContent = t("emergency_reason", { reason });
    $("sv-emergency-confirm-instruction").textContent = instruction ? t("emergency_instruction", { instruction }) : "";
    $("sv-emergency-confirm-policy").textContent = t("emergency_policy." + policy);
    dialog.showModal();
  });

  $("sv-emergency-confirm-cancel").addEventListener("click", () => dialog.close());
  $("sv-emergency-confirm-ok").addEventListener("click", async () => {
    dialog.close();
    try {
      const result = await sv.api("POST", page.api.emergency_start, {
        reason: $("sv-emergency-reason").value.trim(),
        instruction: $("sv-emergency-instruction").value.trim(),
      });
      sv.state.emergency = result.emergency;
      $("sv-emergency-form").reset();
      sv.renderEmergency();
      renderSupport();
      sv.info("msg.emergency_started");
    } catch (err) {
      sv.refuseError(err);
    }
  });

  // ---------------------------------------------------------------- while it runs
  function renderSupport() {
    const box = $("sv-emergency-support");
    box.hidden = !sv.state.emergency;
    if (box.hidden) return;
    const longWait = new Set(sv.state.services.filter((s) => s.alert_level && s.alert_level !== "ok")
      .map((s) => s.service));
    const closed = sv.state.counters.filter((c) => c.state === "closed")
      .map((c) => ({ counter: c, urgent: (c.services || []).some((code) => longWait.has(code)) }))
      .sort((a, b) => Number(b.urgent) - Number(a.urgent) || a.counter.number - b.counter.number);
    $("sv-emergency-counters").replaceChildren(...(closed.length
      ? closed.map(({ counter, urgent }) => h(
        "li", { dataset: { counter: counter.number }, class: urgent ? "sv-long-wait" : "" },
        t("counter_n", { counter: counter.number }), " · ",
        t(urgent ? "emergency_serves_long_wait" : "emergency_serves", { list: (counter.services || []).join(", ") }),
      ))
      : [h("li", { class: "sv-muted" }, t("emergency_none_closed"))]));
    const paused = sv.state.counters.filter((c) => c.state === "paused").length;
    $("sv-emergency-paused").textContent = paused ? t("emergency_paused_n", { n: paused }) : "";
  }

  sv.hooks.snapshot.push(renderSupport);
  sv.hooks.event.push(renderSupport);
  sv.hooks.locale.push(renderSupport);
  cf.hall.onChange(renderSupport);
})();
