// Every service's OpenAPI document, as the gateway serves it.
window.LOTR_SCHEMAS = [
  { name: "book", url: "/api/book/schema/" },
  { name: "movie", url: "/api/movie/schema/" },
  { name: "character", url: "/api/character/schema/" },
  { name: "accounts", url: "/api/accounts/schema/" },
];
