/* The ticket page's action links: one click opens the collapsed section they name and
   puts the cursor in its first field; a link to a section (#change-status) opens it too. */
(function () {
  "use strict";

  function section(hash) {
    if (!hash || hash.length < 2) return null;
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    return target && target.tagName === "DETAILS" ? target : null;
  }

  function openSection(target) {
    target.open = true;
    var field = target.querySelector("select, textarea, input:not([type=hidden])");
    (field || target.querySelector("summary")).focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-open-section]");
    var target = link && section(link.hash);
    if (!target) return;
    event.preventDefault();
    openSection(target);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var target = section(window.location.hash);
    if (target) openSection(target);
  });
})();
