/* Aandacht's one script: small comforts on top of pages that work without it.
 * - registers the service worker (installable app, friendly offline page);
 * - closes an open menu (<details class="menu">) on Escape or a click elsewhere.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var worker = script && script.getAttribute("data-service-worker");
  if (worker && "serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(worker, { scope: "/" }).catch(function () {
        /* Without the worker the app works as before, just not offline. */
      });
    });
  }

  function openMenus() {
    return document.querySelectorAll("details.menu[open]");
  }

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.removeAttribute("open");
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    openMenus().forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.removeAttribute("open");
      if (hadFocus) {
        menu.querySelector("summary").focus();
      }
    });
  });
})();
