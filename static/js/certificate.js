// The print button of the filing certificate (templates/orgs/certificate/certificate.html); no inline handlers:
// the Content-Security-Policy allows scripts from static files only.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});
