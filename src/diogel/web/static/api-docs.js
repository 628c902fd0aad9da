// Interactive API documentation (Swagger UI, shipped with Diogel: no CDN).
(function () {
  "use strict";
  var el = document.getElementById("swagger-ui");
  if (!el || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({ url: el.getAttribute("data-spec"), dom_id: "#swagger-ui", deepLinking: true });
}());
