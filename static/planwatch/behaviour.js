// Small behaviours declared in the markup, so that no page needs inline event
// handlers (the Content-Security-Policy forbids them, planwatch/security.py):
//   <select data-submit-on-change>   submits its form when changed
//   <button data-confirm="…">        asks before submitting
//   <button data-print>              prints the page
//   <input data-check-all="NAME">    ticks or unticks every checkbox named NAME
// and an htmx request refused because the session ended says so (401 JSON).
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
  // An htmx request whose session ended gets 401 JSON (never the login page swapped
  // into the page): say so once, with a link to sign in again in another tab.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 401 || document.getElementById("signed-out-alert")) return;
    var data = {};
    try { data = JSON.parse(xhr.responseText); } catch (e) { return; }
    var link = document.createElement("a");
    link.id = "signed-out-alert";
    link.className = "alert alert-warning d-block";
    link.setAttribute("role", "alert");
    link.target = "_blank";
    link.rel = "noopener";
    link.href = (data.login_url || "/accounts/login/") + "?next=" + encodeURIComponent(window.location.pathname);
    link.textContent = data.message || "";
    var main = document.querySelector("main") || document.body;
    main.insertBefore(link, main.firstChild);
  });
})();
