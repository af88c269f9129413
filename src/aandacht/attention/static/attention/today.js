/* The Today page and call list: small comforts on top of pages that work without them.
 * - ?focus=<key> (from the digest) scrolls that item into view;
 * - after an action swaps the agenda in place, the focus goes to the next item, not lost;
 * - call list: keys for the outcome buttons (T, V, Z, S) and ← → for previous and next.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") {
      fn();
    } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  ready(function () {
    var focused = document.querySelector(".agenda-item.is-focused");
    if (focused) {
      focused.scrollIntoView({ block: "center" });
    }
  });

  // Remember which item acted, so the focus can go to the one now in its place.
  var acted = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var item = event.target.closest ? event.target.closest(".agenda-item") : null;
    var section = item ? item.closest(".agenda-section") : null;
    acted = section
      ? {
          index: Array.prototype.indexOf.call(item.parentElement.children, item),
          section: section.getAttribute("aria-labelledby"),
        }
      : null;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.target || event.target.id !== "agenda") {
      return;
    }
    var target = null;
    if (acted) {
      var section = document.querySelector('.agenda-section[aria-labelledby="' + acted.section + '"]');
      var items = section ? section.querySelectorAll(".agenda-list > .agenda-item") : [];
      var item = items.length ? items[Math.min(acted.index, items.length - 1)] : null;
      target = item ? item.querySelector(".agenda-item__name a") : null;
    }
    (target || document.getElementById("agenda-status")).focus();
    acted = null;
  });

  document.addEventListener("keydown", function (event) {
    if (!document.querySelector(".call-page")) {
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) {
      return;
    }
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
      return;
    }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var control = document.querySelector('[data-shortcut="' + key + '"]');
    if (!control) {
      return;
    }
    event.preventDefault();
    control.click();
  });
})();
