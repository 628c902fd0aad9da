// Progress of a background job: polls its status and reloads the page when it finishes.
(function () {
  "use strict";
  var box = document.querySelector("[data-job]");
  if (!box) { return; }
  var status = box.getAttribute("data-status");
  if (status !== "queued" && status !== "running") { return; }
  var id = box.getAttribute("data-job");
  var bar = box.querySelector("[data-job-progress]");
  function poll() {
    fetch("/api/v1/jobs/" + id, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (bar) { bar.value = job.progress; }
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 700);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 500);
}());
