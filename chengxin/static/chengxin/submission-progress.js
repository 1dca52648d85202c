// Progress of a submission while the worker imports it: polls the page's progress URL and
// updates the figures; reloads the page once the import has finished, to show its results.
(function () {
  "use strict";
  var box = document.getElementById("submission-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");

  function show(name, value) {
    var element = box.querySelector('[data-field="' + name + '"]');
    if (element && value !== null && value !== undefined) { element.textContent = value; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        ["status_label", "received", "accepted", "rejected", "unchanged"].forEach(function (name) {
          show(name, state[name]);
        });
        if (state.progress !== null) {
          bar.value = state.progress;
          show("progress", state.progress + "%");
        }
        if (state.running) { window.setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  window.setTimeout(poll, 1000);
})();
