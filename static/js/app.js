// Confirmation for destructive actions: <form data-confirm="..."> or <button data-confirm="...">.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var trigger = event.submitter || form;
  var message = trigger.getAttribute("data-confirm") || form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
// <select data-autosubmit> submits its form when changed (the language switch); no inline handlers:
// the Content-Security-Policy allows scripts from static files only.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});
// Show the top progress bar during every htmx request.
document.addEventListener("htmx:beforeRequest", function () {
  document.body.classList.add("htmx-busy");
});
document.addEventListener("htmx:afterRequest", function () {
  document.body.classList.remove("htmx-busy");
});
