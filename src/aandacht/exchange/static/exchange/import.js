/* The import page's one comfort: refuse a file over the size limit before uploading it.
 * The server refuses it too (without storing it); this only saves the wait.
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) {
      return;
    }
    var limit = Number(input.getAttribute("data-max-bytes"));
    var file = input.files && input.files[0];
    var tooBig = Boolean(file && limit && file.size > limit);
    input.setCustomValidity(tooBig ? input.getAttribute("data-too-big") : "");
    if (tooBig) {
      input.reportValidity();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var input = form.querySelector && form.querySelector("input[type=file][data-max-bytes]");
    if (input && !input.checkValidity()) {
      event.preventDefault();
      input.reportValidity();
    }
  });
})();
