// OPMS: confirm dangerous actions; nothing else lives here (htmx does the rest).
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
