// The header's menu: open beside the brand on wide screens, a "Menu" button on phones. The
// <details> starts open, so without this script every link stays reachable.
(function () {
  "use strict";
  var menu = document.querySelector("[data-site-menu]");
  if (!menu) return;
  var wide = window.matchMedia("(min-width: 56.01rem)");
  function fit() {
    menu.open = wide.matches;
  }
  fit();
  wide.addEventListener("change", fit);

  // The account drop-down closes like any other menu: Escape, or a click elsewhere.
  var account = document.querySelector("[data-account-menu]");
  if (!account) return;
  document.addEventListener("click", function (event) {
    if (account.open && !account.contains(event.target)) account.open = false;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && account.open) {
      account.open = false;
      account.querySelector("summary").focus();
    }
  });
})();
