// The OpenAPI documents the docs page offers, the whole API first (merged from the services'
// own schemas by gateway/openapi/build.py), then each service's own, as the gateway serves them.
window.LOTR_SCHEMAS = [
  { name: "api", url: "/openapi.json" },
  { name: "book", url: "/api/book/schema/" },
  { name: "movie", url: "/api/movie/schema/" },
  { name: "character", url: "/api/character/schema/" },
  { name: "accounts", url: "/api/accounts/schema/" },
];
