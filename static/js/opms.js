// OPMS: confirm dangerous actions and stop double submits; htmx does the rest.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var submitter = event.submitter;
  var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
    return;
  }
  // A second click while the first post is on its way would record the same thing twice.
  if (form.dataset.submitting) {
    event.preventDefault();
    return;
  }
  if (!form.hasAttribute("hx-post") && !form.hasAttribute("hx-get")) {
    form.dataset.submitting = "1";
  }
});
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-submitting]").forEach(function (form) {
    delete form.dataset.submitting;
  });
});
