// A background job's page: move the progress bar between the page's own refreshes, and go to the
// result as soon as the job has finished. Without JavaScript the meta refresh does both.
(function () {
  "use strict";
  var card = document.getElementById("job");
  if (!card) return;
  var bar = document.getElementById("job-bar");
  var percent = document.getElementById("job-percent");
  var label = document.getElementById("job-label");
  function poll() {
    fetch(card.dataset.status, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) return;
        if (status.finished) { window.location.replace(status.result_url); return; }
        bar.value = status.percent;
        percent.textContent = status.percent + " %";
        label.textContent = status.label;
        window.setTimeout(poll, 700);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 300);
})();
