// Live progress of a long job (an export, a fulfilment, an erasure), the one script for all.
// A panel with data-job-status-url: polls that JSON status every second, moves the progress
// bar ([data-job-progress]), the status badge ([data-job-status]), the row counts
// ([data-job-rows-written], [data-job-rows-expected], [data-category-rows="<id>"]) when the page
// has them, and reloads the page once the job has finished, so the server renders its outcome.
// A panel with data-job-refresh="<seconds>" and no status URL: reloads after that many seconds.
// Without JavaScript, pages that need it refresh themselves (<noscript> meta refresh).
(function () {
  "use strict";

  var INTERVAL = 1000;
  var MAX_FAILURES = 30;

  var refreshing = document.querySelector("[data-job-refresh]");
  var panel = document.querySelector("[data-job-status-url]");
  if (!panel) {
    if (refreshing) {
      var seconds = parseInt(refreshing.getAttribute("data-job-refresh"), 10) || 5;
      window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
    }
    return;
  }
  if (!window.fetch) {
    return;
  }
  var url = panel.getAttribute("data-job-status-url");
  var bar = panel.querySelector("[data-job-progress]");
  var written = panel.querySelector("[data-job-rows-written]");
  var expected = panel.querySelector("[data-job-rows-expected]");
  var badge = panel.querySelector("[data-job-status]") || document.querySelector("[data-job-status]");
  var failures = 0;

  function formatNumber(value) {
    return Number(value).toLocaleString(document.documentElement.lang || undefined);
  }

  function update(status) {
    if (bar) {
      bar.value = status.progress;
      bar.textContent = Math.round(status.progress * 100) + " %";
    }
    if (written && status.rows_written !== undefined) {
      written.textContent = formatNumber(status.rows_written);
    }
    if (expected && status.total_rows_expected !== undefined) {
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
