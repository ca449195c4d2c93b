// The editor's live preview: after a pause in typing, POST the Markdown body to the admin's
// preview endpoint (with the session's CSRF token) and show the sanitized HTML it returns.
// Without JavaScript, the form's Preview button does the same with a full page.
(function () {
  "use strict";
  var body = document.getElementById("body");
  var out = body && document.getElementById(body.getAttribute("data-preview"));
  var meta = document.querySelector("meta[name=csrf-token]");
  if (!body || !out || !meta || !window.fetch) return;
  var timer = null;
  var last = null;
  function render() {
    var text = body.value;
    if (text === last) return;
    last = text;
    fetch("/admin/articles/preview", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "text/markdown; charset=utf-8", "X-CSRF-Token": meta.content },
      body: text
    }).then(function (res) {
      if (!res.ok) throw new Error("preview failed: " + res.status);
      return res.text();
    }).then(function (html) {
      if (text === body.value) out.innerHTML = html; // sanitized by the server
    }).catch(function () {
      out.setAttribute("data-error", "The preview is unavailable right now.");
    });
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(render, 400);
  });
  render();
})();
