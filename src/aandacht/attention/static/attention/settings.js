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
