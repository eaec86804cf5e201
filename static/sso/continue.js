// Single sign-on: follow the "Continue" link to the organisation's identity provider at once.
// A link, not a form redirect: the site's CSP (form-action 'self') stops a form submission
// from being redirected to another origin. Without JavaScript the person clicks the link.
(function () {
  "use strict";
  var link = document.querySelector("a[data-sso-continue]");
  if (link) {
    window.location.replace(link.href);
  }
})();
