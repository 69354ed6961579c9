// The agent console: "/" focuses the search box, ↑/↓ walk the results, Enter opens one,
// and the copy button puts the tracking link on the clipboard.
(function () {
  "use strict";

  function searchBox() {
    return document.querySelector("[data-search-box]");
  }

  function resultLinks() {
    return Array.prototype.slice.call(document.querySelectorAll("#results [data-result]"));
  }

  function isEditable(element) {
    if (!element) return false;
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    var box = searchBox();
    var active = document.activeElement;

    if (event.key === "/" && !isEditable(active) && box) {
      event.preventDefault();
      box.focus();
      box.select();
      return;
    }

    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var links = resultLinks();
    if (!links.length) return;
    var index = links.indexOf(active);
    if (active === box && event.key === "ArrowDown") {
      event.preventDefault();
      links[0].focus();
    } else if (index !== -1) {
      event.preventDefault();
      var next = index + (event.key === "ArrowDown" ? 1 : -1);
      if (next < 0) {
        if (box) box.focus();
      } else if (next < links.length) {
        links[next].focus();
      }
    }
  });

  // Typing while a result has focus goes back to the box, so the agent never types into nothing.
  document.addEventListener("keydown", function (event) {
    var box = searchBox();
    var active = document.activeElement;
    if (!box || !active || !active.hasAttribute("data-result")) return;
    if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      box.focus();
    }
  });

  function copyText(input, status) {
    var done = function () {
      if (status) status.textContent = "Copied to the clipboard.";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        input.select();
        if (status) status.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
      });
    } else {
      input.select();
      try {
        document.execCommand("copy");
        done();
      } catch (error) {
        if (status) status.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
      }
    }
  }

  function setUpCopyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy"));
      if (!input) return;
      var status = button.closest(".copy-field").querySelector("[data-copy-status]");
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(input, status);
      });
    });
    document.querySelectorAll("[data-copy-source]").forEach(function (input) {
      input.addEventListener("focus", function () {
        input.select();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", setUpCopyButtons);
})();
