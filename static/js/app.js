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
// Cascading region picker (templates/includes/region_picker.html, governance.regions_picker). The selects
// and the search box have no name (an enclosing filter form keeps its query string): their value goes to
// the endpoint as `parent` / `q`, and one hidden input carries the field's value.
document.addEventListener("htmx:configRequest", function (event) {
  var elt = event.detail.elt;
  var param = elt.getAttribute && elt.getAttribute("data-region-param");
  if (param) {
    event.detail.parameters[param] = elt.value;
  }
});
// Capture phase: the hidden input is set before an enclosing form's own change trigger reads it.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (!field.matches) {
    return;
  }
  if (field.matches("[data-region-search]")) {
    event.stopPropagation(); // typing a search is not a change of the filter
    return;
  }
  if (field.matches("[data-region-level]")) {
    var picker = field.closest("[data-region-picker]");
    var next = field.nextElementSibling;
    if (next && !field.value) {
      next.innerHTML = ""; // the deeper levels belong to the node that was unselected
    }
    picker.querySelector("[data-region-value]").value = field.value || field.getAttribute("data-region-up") || "";
  }
}, true);
// Enter in the search box searches; it does not submit the enclosing form.
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target.matches && event.target.matches("[data-region-search]")) {
    event.preventDefault();
  }
});
// A search hit was chosen: the chain was re-rendered; take its value, clear the search, tell the form.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (!target.matches || !target.matches("[data-region-cascade]")) {
    return;
  }
  var picker = target.closest("[data-region-picker]");
  var chain = target.querySelector("[data-region-chosen]");
  var input = picker.querySelector("[data-region-value]");
  input.value = chain ? chain.getAttribute("data-region-chosen") : "";
  var search = picker.querySelector("[data-region-search]");
  if (search) {
    search.value = "";
  }
  var results = picker.querySelector(".region-picker-results");
  if (results) {
    results.innerHTML = "";
  }
  var deepest = target.querySelectorAll("[data-region-level]");
  if (deepest.length) {
    deepest[deepest.length - 1].focus();
  }
  input.dispatchEvent(new Event("change", {bubbles: true}));
});
