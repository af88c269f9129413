/* The people list from the keyboard: "/" focuses the search, ↓/↑ move through the people,
   Enter opens one (a real link, so the browser does it), Escape goes back to the search.
   Focus moves to the links themselves, so every screen reader announces them as links.
   Also: "All on this page" for the bulk tagging form, and a count of the ticked people. */
(function () {
  "use strict";

  var SEARCH = "people-search";
  var RESULTS = "people-results";

  function search() {
    return document.getElementById(SEARCH);
  }

  function personLinks() {
    var results = document.getElementById(RESULTS);
    return results ? Array.prototype.slice.call(results.querySelectorAll("[data-person-link]")) : [];
  }

  function isTyping(element) {
    if (!element || element === document.body) return false;
    if (element.isContentEditable) return true;
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    return ["checkbox", "radio", "button", "submit", "reset", "color", "range"].indexOf(element.type) === -1;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    var input = search();
    if (!input) return;
    var target = event.target;

    if (event.key === "/" && !isTyping(target)) {
      event.preventDefault();
      input.focus();
      input.select();
      return;
    }

    var links = personLinks();
    var index = links.indexOf(target);
    if (event.key === "ArrowDown") {
      if (target === input && links.length) {
        event.preventDefault();
        links[0].focus();
      } else if (index !== -1) {
        event.preventDefault();
        links[Math.min(index + 1, links.length - 1)].focus();
      }
    } else if (event.key === "ArrowUp" && index !== -1) {
      event.preventDefault();
      (index === 0 ? input : links[index - 1]).focus();
    } else if (event.key === "Home" && index !== -1) {
      event.preventDefault();
      links[0].focus();
    } else if (event.key === "End" && index !== -1) {
      event.preventDefault();
      links[links.length - 1].focus();
    } else if (event.key === "Escape" && index !== -1) {
      event.preventDefault();
      input.focus();
    } else if (index !== -1 && event.key.length === 1 && event.key !== " ") {
      // Typing while on a result carries on in the search box: the letter lands there.
      input.focus();
    }
  });

  function pickBoxes(form) {
    return Array.prototype.slice.call(
      document.querySelectorAll('input[type="checkbox"][name="person"][form="' + form.id + '"]')
    );
  }

  function refreshBulk() {
    var form = document.getElementById("bulk-tag");
    if (!form) return;
    var boxes = pickBoxes(form);
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    var all = form.querySelector("[data-pick-all]");
    if (all) {
      all.closest("label").hidden = false;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    var count = form.querySelector("[data-picked-count]");
    if (count) {
      var template = ticked === 1 ? form.dataset.pickedOne : form.dataset.pickedMany;
      count.textContent = ticked && template ? template.replace("%(count)s", String(ticked)) : "";
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var form = document.getElementById("bulk-tag");
    if (!form || !(target instanceof HTMLInputElement)) return;
    if (target.hasAttribute("data-pick-all")) {
      pickBoxes(form).forEach(function (box) { box.checked = target.checked; });
    }
    if (target.hasAttribute("data-pick-all") || target.getAttribute("form") === form.id) {
      refreshBulk();
    }
  });

  document.addEventListener("DOMContentLoaded", refreshBulk);
  document.addEventListener("htmx:afterSettle", refreshBulk);
  if (document.readyState !== "loading") refreshBulk();
})();
