// The print button of the rating poster and code sheet (templates/projects/ratings/); no inline handlers:
// the Content-Security-Policy allows scripts from static files only.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});
