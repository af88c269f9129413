// The new token's Copy button (hidden without JavaScript: the token can be selected).
(() => {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const field = document.querySelector(button.dataset.copy);
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const status = document.getElementById("token-copy-status");
      try {
        await navigator.clipboard.writeText(field.value);
      } catch {
        field.select();
        document.execCommand("copy");
      }
      if (status) status.textContent = button.dataset.copied || "";
    });
  });
})();
