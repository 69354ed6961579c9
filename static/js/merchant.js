// Merchant console: brand colours on the live preview, confirmations, copy buttons.
(function () {
  "use strict";

  function applyBrandVars() {
    var preview = document.getElementById("brand-preview");
    if (!preview || !preview.dataset.brandVars) return;
    var vars;
    try {
      vars = JSON.parse(preview.dataset.brandVars);
    } catch (error) {
      return;
    }
    Object.keys(vars).forEach(function (name) {
      if (name.indexOf("--") === 0) preview.style.setProperty(name, vars[name]);
    });
  }

  document.addEventListener("DOMContentLoaded", applyBrandVars);
  document.addEventListener("htmx:afterSettle", applyBrandVars);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var label = button.textContent;
      button.textContent = button.dataset.copied || "Copied";
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  });
})();
