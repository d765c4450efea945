// ReDoc over the gateway's one OpenAPI document (kept out of the HTML for script-src 'self').
window.addEventListener("load", function () {
  Redoc.init("/openapi.json", {}, document.getElementById("redoc"));
});
