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

  // A run page's live stream resumes where it stopped. The browser's own reconnect sends Last-Event-ID, but
  // after an error answer (a proxy's 502/503 while a node restarts) htmx's SSE extension opens a new stream
  // from its sse-connect URL, which would replay the run's output from where the page began: keep that URL's
  // lastEventId at the last event this page received.
  document.addEventListener("htmx:sseMessage", function (event) {
    var message = event.detail;
    var id = message && message.lastEventId;
    var stream = event.target && event.target.closest && event.target.closest("[sse-connect]");
    if (!id || !/^[0-9]+$/.test(id) || !stream) {
      return;
    }
    var url = stream.getAttribute("sse-connect");
    var resumed = /[?&]lastEventId=/.test(url) ? url.replace(/([?&]lastEventId=)[0-9]*/, "$1" + id)
      : url + (url.indexOf("?") < 0 ? "?" : "&") + "lastEventId=" + id;
    stream.setAttribute("sse-connect", resumed);
  });
})();
