// "Make your lists": ↓/↑ (or j/k) move through the rows, a digit presses that circle's button
// in the highlighted row (0 = no circle), "/" searches. After a choice is saved the next row is
// highlighted. Without JavaScript every row is a plain form with buttons.
(() => {
  "use strict";
  const rows = () => Array.from(document.querySelectorAll("[data-lists-row]"));
  const current = () => document.activeElement && document.activeElement.closest("[data-lists-row]");
  let moveOnFrom = null;

  const focusRow = (row) => {
    if (!row) return;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  };

  const step = (from, delta) => {
    const all = rows();
    if (!all.length) return;
    const index = from ? all.indexOf(from) : -1;
    const target = all[Math.min(Math.max(index + delta, 0), all.length - 1)];
    focusRow(target);
  };

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && target.closest("input, textarea, select, [contenteditable]")) {
      if (event.key === "ArrowDown" && target.id === "lists-search") {
        event.preventDefault();
        step(null, 1);
      }
      return;
    }
    const row = current();
    if (event.key === "/") {
      const search = document.getElementById("lists-search");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    } else if (event.key === "ArrowDown" || event.key === "j") {
      event.preventDefault();
      step(row, 1);
    } else if (event.key === "ArrowUp" || event.key === "k") {
      event.preventDefault();
      step(row, -1);
    } else if (/^[0-9]$/.test(event.key)) {
      const here = row || rows()[0];
      const button = here && here.querySelector(`[data-key="${event.key}"]`);
      if (button) {
        event.preventDefault();
        moveOnFrom = here.id;
        button.click();
      }
    }
  });

  // A click on a row's button also moves on to the next row once it is saved.
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest(".lists-choice");
    if (button) moveOnFrom = button.closest("[data-lists-row]")?.id || null;
  });

  // A new search (or the filter) starts afresh: the last "saved" line no longer applies.
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const source = event.detail && event.detail.elt;
    if (!(source instanceof Element) || !source.closest("#lists-filter")) return;
    const status = document.getElementById("lists-status");
    if (status) status.textContent = "";
  });

  document.body.addEventListener("htmx:afterSettle", (event) => {
    const swapped = event.detail && event.detail.elt;
    if (!moveOnFrom || !(swapped instanceof Element)) return;
    const row = document.getElementById(moveOnFrom);
    moveOnFrom = null;
    if (!row) return;
    let next = row.nextElementSibling;
    while (next && !next.matches("[data-lists-row]")) next = next.nextElementSibling;
    if (next) focusRow(next);
    else {
      const more = document.querySelector("[data-lists-next]");
      if (more) more.focus();
      else focusRow(row);
    }
  });
})();
