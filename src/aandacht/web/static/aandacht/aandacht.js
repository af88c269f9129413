/* Aandacht's one script: small comforts on top of pages that work without it.
 * - registers the service worker (installable app, friendly offline page);
 * - closes an open menu (<details class="menu">) on Escape or a click elsewhere;
 * - turns Escape inside an element marked data-escape into an "escape" event on it, so an
 *   edit form can close with hx-trigger="escape" (a trigger filter like keyup[key=='Escape']
 *   would need eval, which the Content-Security-Policy does not allow);
 * - shows Copy buttons (<button data-copy="#field" data-copied="Copied"
 *   data-copy-status="#status" hidden>): without JavaScript the field's text can be selected;
 * - shows the message of a full disk or a read-only database after an htmx write.
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

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var statusSelector = button.getAttribute("data-copy-status");
      var status = statusSelector ? document.querySelector(statusSelector) : null;
      var said = function () {
        if (status) {
          status.textContent = button.getAttribute("data-copied") || "";
        }
      };
      var byHand = function () {
        field.select();
        document.execCommand("copy");
        said();
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(said, byHand);
      } else {
        byHand();
      }
    });
  });

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

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Escape" || !(event.target instanceof Element)) {
      return;
    }
    var target = event.target.closest("[data-escape]");
    if (target) {
      target.dispatchEvent(new CustomEvent("escape"));
    }
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

  // A write that met a full disk or a read-only database answers 503 with a message and
  // X-Aandacht-Fault (web/faults.py); htmx swaps no error answer, so show this one.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 503 && xhr.getResponseHeader("X-Aandacht-Fault")) {
      event.detail.shouldSwap = true;
    }
  });
})();
