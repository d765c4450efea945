// ReDoc shows one document at a time: ?service=<name> picks it, links switch between them.
window.addEventListener("load", function () {
  var wanted = new URLSearchParams(window.location.search).get("service");
  var current = window.LOTR_SCHEMAS.find(function (s) { return s.name === wanted; }) || window.LOTR_SCHEMAS[0];
  var nav = document.getElementById("services");
  window.LOTR_SCHEMAS.forEach(function (schema) {
    var link = document.createElement("a");
    link.href = "redoc.html?service=" + schema.name;
    link.textContent = " " + schema.name;
    nav.appendChild(link);
  });
  Redoc.init(current.url, {}, document.getElementById("redoc"));
});
