// Live progress of a rights-request fulfilment job on the workbench: polls the job's status
// URL every second, moves the progress bar, and reloads the page when the job has finished so
// the server renders its outcome.
(function () {
  "use strict";

  var panel = document.querySelector("[data-job-status-url]");
  if (!panel || !window.fetch) {
    return;
  }
  var url = panel.getAttribute("data-job-status-url");
  var bar = panel.querySelector("[data-job-progress]");
  var badge = panel.querySelector("[data-job-status]");
  var failures = 0;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        if (bar) {
          bar.value = status.progress;
          bar.textContent = Math.round(status.progress * 100) + " %";
        }
        if (badge) {
          badge.textContent = status.status_label;
        }
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < 30) {
          window.setTimeout(poll, 2000);
        }
      });
  }
  window.setTimeout(poll, 1000);
})();
