// The landing page's examples name this gateway's own address (kept out of the HTML for the
// script-src 'self' policy).
document.querySelectorAll(".origin").forEach(function (element) {
  element.textContent = window.location.origin;
});
