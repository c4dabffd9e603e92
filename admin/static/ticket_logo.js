/* Admin console, the ticket logo card: shows the branch's logo as it prints on 80 and 58 mm paper
 * (the hub renders the previews with the printer's own code), and lets an admin upload a PNG or JPEG
 * or remove it. Read again whenever admin.js loads a branch (body[data-loaded]).
 */
(function () {
  "use strict";
  const cf = window.CounterFlow;
  const ad = window.counterflowAdmin;
  const page = cf.page;
  const t = ad.t;
  const $ = (id) => document.getElementById(id);
  const MAX_KIB = 512;
  let current = null; // {logo, previews} of the branch shown
  let code = null;

  const logoPath = () => page.api.ticket_logo.replace("{code}", encodeURIComponent(code));

  async function load() {
    code = ad.state.code;
    if (!code || !ad.state.auth) return;
    try {
      current = await ad.api("GET", logoPath());
    } catch (err) {
      current = null;
    }
    render();
  }

  function render() {
    $("ad-logo-note").textContent = t("logo.note", { kib: MAX_KIB });
    const logo = current && current.logo;
    $("ad-logo-none").hidden = Boolean(logo);
    $("ad-logo-previews").hidden = !logo;
    $("ad-logo-remove").hidden = !logo;
    $("ad-logo-meta").textContent = logo ? t("logo.meta", { width: logo.width, height: logo.height,
      kib: Math.max(1, Math.round(logo.bytes / 1024)), by: logo.uploaded_by.replace(/^user:/, "") }) : "";
    ["80", "58"].forEach((mm) => {
      if (logo) $("ad-logo-" + mm).src = current.previews[mm];
      $("ad-logo-" + mm).alt = t("logo.paper", { mm });
      $("ad-logo-caption-" + mm).textContent = t("logo.paper", { mm });
    });
  }

  const asDataUrl = (file) => new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

  $("ad-logo-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = event.target.elements.logo.files[0];
    if (!file) return;
    if (file.size > MAX_KIB * 1024) { // the hub checks again; this spares sending a large file for nothing
      ad.refuse({ code: "logo_too_large" });
      return;
    }
    const image = await asDataUrl(file);
    const done = await ad.change(() => ad.api("PUT", logoPath(), { image }));
    if (done) {
      current = done;
      event.target.reset();
      render();
      ad.info("logo.uploaded");
    }
  });
  $("ad-logo-remove").addEventListener("click", async () => {
    const done = await ad.change(() => ad.api("DELETE", logoPath()));
    if (done) {
      current = done;
      render();
      ad.info("logo.removed");
    }
  });

  new MutationObserver(load).observe(document.body, { attributes: true, attributeFilter: ["data-loaded"] });
  cf.i18n.onChange(render);
  if (document.body.dataset.loaded) load();
})();
