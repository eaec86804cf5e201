// Live progress of an export job: polls the job's status URL every second and updates the
// progress bar and row counts; reloads the page once the job has finished, so the page shows
// the download button (or the error) as rendered by the server. Without JavaScript the page
// refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";

  var panel = document.querySelector("[data-export-status-url]");
  if (!panel || !window.fetch) {
    return;
  }
  var url = panel.getAttribute("data-export-status-url");
  var bar = panel.querySelector("[data-export-progress]");
  var written = panel.querySelector("[data-export-rows-written]");
  var expected = panel.querySelector("[data-export-rows-expected]");
  var badge = document.querySelector("[data-export-status-label]");
  var failures = 0;
  var INTERVAL = 1000;
  var MAX_FAILURES = 30;

  function formatNumber(value) {
    return Number(value).toLocaleString(document.documentElement.lang || undefined);
  }

  function update(status) {
    if (bar) {
      bar.value = status.progress;
      bar.textContent = Math.round(status.progress * 100) + " %";
    }
    if (written) {
      written.textContent = formatNumber(status.rows_written);
    }
    if (expected) {
      expected.textContent = formatNumber(status.total_rows_expected);
    }
    if (badge && status.status_label) {
      badge.textContent = status.status_label;
    }
    Object.keys(status.row_counts || {}).forEach(function (category) {
      var cell = panel.querySelector('[data-category-rows="' + CSS.escape(category) + '"]');
      if (cell) {
        cell.textContent = formatNumber(status.row_counts[category]);
      }
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        update(status);
        if (status.finished) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, INTERVAL);
      })
      .catch(function () {
        failures += 1;
        if (failures < MAX_FAILURES) {
          window.setTimeout(poll, INTERVAL * 2);
        }
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
