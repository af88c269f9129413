// The summary's Print button (no inline script, so it works under a strict CSP too).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
