// The shopper's pages: conditional live refreshes, form answers swapped in place, focus.
(function () {
  "use strict";

  // Ask for the live status only when it changed: the server answers 304 otherwise.
  document.addEventListener("htmx:configRequest", function (event) {
    var etag = event.detail.elt.getAttribute("data-etag");
    if (etag && event.detail.verb === "get") {
      event.detail.headers["If-None-Match"] = etag;
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 304) {
      // Nothing new to show; the server may still have moved the ETag on.
      event.detail.shouldSwap = false;
      var etag = event.detail.xhr.getResponseHeader("ETag");
      var source = event.detail.requestConfig && event.detail.requestConfig.elt;
      if (etag && source) {
        source.setAttribute("data-etag", etag);
      }
    } else if (status === 422 || status === 409) {
      // Form errors come back as the section with messages: show them.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function focusMarked() {
    var target = document.querySelector("[data-focus-after-swap]");
    if (target) {
      target.removeAttribute("data-focus-after-swap");
      target.focus();
    }
  }

  document.addEventListener("htmx:afterSettle", focusMarked);
  document.addEventListener("DOMContentLoaded", function () {
    var errors = document.getElementById("form-errors");
    if (errors) {
      errors.focus();
    } else {
      focusMarked();
    }
  });
})();
