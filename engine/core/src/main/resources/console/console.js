// Quench console: the little JavaScript the pages need beyond htmx. No inline scripts (the CSP forbids them).
(function () {
  "use strict";
  // <form data-confirm="Cancel run 42?">: ask before submitting (a real button stays keyboard-usable).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
})();
