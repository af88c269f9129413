// The recovery codes page: a Print button (hidden without JavaScript, where the browser's own
// print menu does the same).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
