// While an erasure runs, reload the page every few seconds so its progress bar moves.
(function () {
  "use strict";
  var box = document.querySelector("[data-eoc-refresh]");
  if (!box) return;
  var seconds = parseInt(box.getAttribute("data-eoc-refresh"), 10) || 5;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
