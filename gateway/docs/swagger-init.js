// Kept out of the HTML so the page runs under a script-src 'self' policy.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    urls: window.LOTR_SCHEMAS,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
  });
});
