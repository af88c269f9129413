// The calendar feed's Copy button (hidden without JavaScript: the address can be selected).
(() => {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const field = document.querySelector(button.dataset.copy);
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const status = document.getElementById("feed-copy-status");
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

// "Weekly digest on" only matters for a weekly digest: hidden otherwise (shown without JS).
(() => {
  "use strict";
  const weeklyOnly = document.querySelectorAll("[data-weekly-only]");
  const choices = document.querySelectorAll('input[name="digest_frequency"]');
  if (!weeklyOnly.length || !choices.length) return;
  const update = () => {
    const chosen = document.querySelector('input[name="digest_frequency"]:checked');
    const weekly = chosen !== null && chosen.value === "weekly";
    weeklyOnly.forEach((element) => {
      element.hidden = !weekly;
    });
  };
  choices.forEach((choice) => choice.addEventListener("change", update));
  update();
})();
