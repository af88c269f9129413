/* The person page: keep the keyboard focus where you are when a section swaps in place.
 * A form that opens focuses its first field (htmx honours autofocus); a section that comes
 * back after Save, Cancel or Escape gets the focus on its Edit link, so Tab continues there.
 */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function (event) {
    var section = event.target;
    if (!(section instanceof HTMLElement) || !section.id || section.id.indexOf("section-") !== 0) {
      return;
    }
    if (!section.isConnected || section.classList.contains("is-editing")) {
      return;
    }
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) {
      return;
    }
    var target = section.querySelector(".edit-link") || section;
    if (target === section) {
      section.setAttribute("tabindex", "-1");
    }
    target.focus();
  });
})();
