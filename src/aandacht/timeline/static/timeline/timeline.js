// The timeline panel works without this file; it only saves a click and keeps the focus sane.
(function () {
  "use strict";

  // Click 1 picks a kind; typing goes straight into the summary, so Save is click 2.
  // Keyboard "clicks" (detail 0: arrow keys, space) leave the focus in the radio group.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || event.detail === 0) return;
    var kind = target.closest(".capture-log .kind");
    if (!kind) return;
    var summary = kind.closest("form").querySelector("textarea[name='summary']");
    if (summary) window.requestAnimationFrame(function () { summary.focus(); });
  });

  // After htmx replaced the panel body: go to the first field with an error, or, when the
  // focused control disappeared with the old body, back to the timeline heading.
  document.addEventListener("htmx:afterSettle", function (event) {
    var body = event.target;
    if (!(body instanceof Element) || !body.id || body.id.indexOf("timeline-body-") !== 0) return;
    var invalid = body.querySelector("[aria-invalid='true']");
    if (invalid) {
      var tab = invalid.closest("details");
      if (tab) tab.open = true;
      invalid.focus();
      return;
    }
    if (document.activeElement === document.body || !document.activeElement) {
      var heading = document.getElementById(body.id.replace("timeline-body-", "timeline-heading-"));
      if (heading) heading.focus({ preventScroll: true });
    }
  });
})();
