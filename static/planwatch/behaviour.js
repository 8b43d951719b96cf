// Small behaviours declared in the markup, so that no page needs inline event
// handlers (the Content-Security-Policy forbids them, planwatch/security.py):
//   <select data-submit-on-change>   submits its form when changed
//   <button data-confirm="…">        asks before submitting
//   <button data-print>              prints the page
//   <input data-check-all="NAME">    ticks or unticks every checkbox named NAME
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-check-all]");
    if (all) {
      document.querySelectorAll('input[type=checkbox][name="' + all.getAttribute("data-check-all") + '"]')
        .forEach(function (box) { box.checked = all.checked; });
      return;
    }
    var el = event.target.closest("[data-submit-on-change]");
    if (el && el.form) el.form.submit();
  });
  document.addEventListener("click", function (event) {
    var confirmEl = event.target.closest("[data-confirm]");
    if (confirmEl && !window.confirm(confirmEl.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    if (event.target.closest("[data-print]")) window.print();
  }, true);
})();
