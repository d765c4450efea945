// Swagger UI over the gateway's one OpenAPI document. Kept out of the HTML so the page runs
// under a script-src 'self' policy.
//
// "Try it out" and the filter language: a form has one box per field and sends `field=value`,
// so it can say `race=Hobbit` but not `budgetInMillions<100`, `name!=Frodo` or `!height`
// (typing `<100` in the budgetInMillions box sends `budgetInMillions=<100`, which the API
// rightly refuses: "<100" is no number). So each list operation gets one more box, "filters",
// added here in the page only (the document stays what the API accepts): what is typed there
// is appended to the query string as typed, clauses joined with "&", exactly as one writes
// them after "?" in a URL. The request URL and curl line Swagger UI shows are the ones sent.
(function () {
  var FILTERS = "filters";
  var DESCRIPTION =
    "Whole filter clauses, as written in a URL after `?`, joined with `&`: " +
    "`budgetInMillions<100`, `name!=Frodo Baggins`, `race=Hobbit,Elf`, `name=/^gand/i`, " +
    "`height` (has a value), `!height` (has none). Appended to the query as typed; " +
    "this box exists only on this page, the API has no parameter of that name.";

  function withFilterBoxes(spec) {
    var paths = (spec && spec.paths) || {};
    Object.keys(paths).forEach(function (path) {
      var get = paths[path].get;
      var params = (get && get.parameters) || [];
      var isList = params.some(function (p) { return p.in === "query" && p.name === "limit"; });
      var hasBox = params.some(function (p) { return p.name === FILTERS; });
      if (isList && !hasBox) {
        get.parameters = params.concat([
          { name: FILTERS, in: "query", required: false, description: DESCRIPTION, schema: { type: "string" } },
        ]);
      }
    });
    return spec;
  }

  // The box's text goes into the query as it is (only what would end the URL or break it is
  // escaped: "#" and spaces); Swagger UI would have sent it percent-encoded as one value.
  function appendFilters(request) {
    var at = request.url.indexOf("?");
    if (at < 0) return request;
    var kept = [];
    var clauses = [];
    request.url.slice(at + 1).split("&").forEach(function (pair) {
      if (pair.split("=")[0] === FILTERS) {
        var typed = decodeURIComponent(pair.slice(pair.indexOf("=") + 1)).trim();
        if (typed) clauses.push(typed.replace(/^[?&]+/, "").replace(/#/g, "%23").replace(/ /g, "%20"));
      } else if (pair) {
        kept.push(pair);
      }
    });
    var query = kept.concat(clauses).join("&");
    request.url = request.url.slice(0, at) + (query ? "?" + query : "");
    return request;
  }

  var FilterBoxes = function () {
    return {
      statePlugins: {
        spec: {
          wrapActions: {
            updateJsonSpec: function (original) {
              return function (spec) { return original(withFilterBoxes(spec)); };
            },
          },
        },
      },
    };
  };

  window.addEventListener("load", function () {
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,  // no badge from an outside validator: nothing leaves this host
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      plugins: [SwaggerUIBundle.plugins.DownloadUrl, FilterBoxes],
      requestInterceptor: appendFilters,
      layout: "StandaloneLayout",
    });
  });
})();
