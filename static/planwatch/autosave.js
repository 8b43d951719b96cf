// The agency report form saves itself (reporting.views.report_draft, decision 58 of
// docs/decisions.md). Each "unit" (data-unit: one field, a status with its reason, an
// indicator's parts) is sent on its own about a second after typing stops and at once
// when the user leaves it, so one refused field never holds back the others; the
// refusal shows beside its field. What is typed is kept in this browser
// (localStorage, per report, with the revision it was typed on) until the server
// confirms it: a reload, a lost connection or an ended session loses nothing, and
// after signing in again (the dialog, or another tab) the rest is sent. Two editors
// never overwrite each other: a stale revision stops the sending (409).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var url = form.getAttribute("data-autosave");
  var storeKey = "planwatch.report." + form.getAttribute("data-report");
  var revisionInput = form.querySelector("input[name=revision]");
  var stateEl = document.getElementById("autosave-state");
  var notice = document.getElementById("autosave-notice");
  var noticeText = document.getElementById("autosave-notice-text");
  var conflict = document.getElementById("autosave-conflict");
  var dialog = document.getElementById("signin-dialog");
  var signinForm = document.getElementById("signin-form");
  var DELAY = 1000;
  var timers = {}; // unit -> debounce timer
  var queue = []; // units to send, in order
  var sending = null; // the unit on its way
  var invalid = {}; // unit -> true while the server refuses it
  var restored = {}; // unit -> true: put back from this browser, not yet saved
  var blocked = null; // "signin", "conflict", "forbidden", "offline" or null
  var held = false; // restored changes on an older revision wait for the user
  var leaving = false; // the page's own submit: no leave warning
  var afterFlush = [];
  var lastSaved = null;

  function revision() { return revisionInput.value; }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function fields(unit) { return form.querySelectorAll('[data-unit="' + unit + '"]'); }
  function visible(unit) {
    return Array.prototype.filter.call(fields(unit), function (el) { return el.type !== "hidden"; });
  }
  function valueOf(el) { return el.type === "checkbox" ? (el.checked ? el.value : "") : el.value; }
  function setValue(el, value) {
    if (el.type === "checkbox") el.checked = value === el.value;
    else el.value = value;
  }
  function unitValues(unit) {
    var values = {};
    visible(unit).forEach(function (el) { values[el.name] = valueOf(el); });
    return values;
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function unitOf(el) { return el && el.getAttribute ? el.getAttribute("data-unit") : null; }

  // --- the copy kept in this browser -------------------------------------------
  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || null; } catch (e) { return null; }
  }
  function store(draft) {
    try {
      if (Object.keys(draft.units).length) localStorage.setItem(storeKey, JSON.stringify(draft));
      else localStorage.removeItem(storeKey);
    } catch (e) { /* private mode or full: the server copy still comes */ }
  }
  function remember(unit) {
    var draft = load() || { units: {} };
    draft.units[unit] = unitValues(unit);
    draft.revision = revision();
    store(draft);
  }
  function forget(unit, sent) {
    var draft = load();
    if (!draft) return;
    if (same(draft.units[unit], sent)) delete draft.units[unit]; // else typed again meanwhile
    draft.revision = revision();
    store(draft);
  }

  // --- what the user sees --------------------------------------------------------
  function pendingCount() { return Object.keys(timers).length + queue.length; }
  function show() {
    var key, cls = "text-body-secondary";
    if (blocked === "signin") { key = "signin"; cls = "text-danger"; }
    else if (blocked === "offline") { key = "offline"; cls = "text-danger"; }
    else if (Object.keys(invalid).length) { key = "invalid"; cls = "text-danger"; }
    else if (sending) key = "saving";
    else if (pendingCount() || blocked || held) { key = "unsaved"; cls = "text-warning-emphasis"; }
    else if (lastSaved) { key = "saved"; cls = "text-success-emphasis"; }
    if (!key) return;
    var text = stateEl.getAttribute("data-" + key);
    stateEl.textContent = key === "saved" ? text.replace("%s", lastSaved) : text;
    stateEl.className = cls;
    stateEl.setAttribute("data-state", key);
  }
  function clearErrors(unit) {
    visible(unit).forEach(function (el) {
      var id = el.getAttribute("aria-describedby");
      if (id && id.indexOf("err-") === 0) {
        var box = document.getElementById(id);
        if (box) box.remove();
        el.removeAttribute("aria-describedby");
      }
      el.removeAttribute("aria-invalid");
      el.classList.remove("is-invalid");
    });
  }
  function addError(el, text) {
    var id = "err-" + el.name;
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.className = "invalid-feedback d-block";
      (el.closest("label") || el).after(box);
    }
    box.textContent = text;
    el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", id);
    el.classList.add("is-invalid");
  }
  function showErrors(unit, errors) {
    clearErrors(unit);
    var own = visible(unit), first = null;
    Object.keys(errors).forEach(function (name) {
      var el = own.filter(function (f) { return f.name === name; })[0] || own[0];
      if (!el) return;
      addError(el, errors[name].join(" "));
      first = first || el;
    });
    // Focus goes to the refused field, unless the user is already typing elsewhere.
    var active = document.activeElement;
    if (first && !(unitOf(active) && unitOf(active) !== unit && timers[unitOf(active)])) first.focus();
  }
  function markRestored(unit, on) {
    if (on) restored[unit] = true; else delete restored[unit];
    visible(unit).forEach(function (el) { el.classList.toggle("bg-warning-subtle", on); });
    if (!Object.keys(restored).length && notice) notice.hidden = true;
  }
  function showConflict(message) {
    if (!conflict) return;
    conflict.querySelector("span").textContent = message || "";
    conflict.hidden = false;
  }

  // --- sending -------------------------------------------------------------------
  function enqueue(unit) {
    if (queue.indexOf(unit) < 0) queue.push(unit);
    pump();
  }
  function schedule(unit) {
    clearTimeout(timers[unit]);
    timers[unit] = setTimeout(function () { delete timers[unit]; enqueue(unit); }, DELAY);
    show();
  }
  function flush(unit) {
    if (!timers[unit]) return;
    clearTimeout(timers[unit]);
    delete timers[unit];
    enqueue(unit);
  }
  function flushAll() { Object.keys(timers).forEach(flush); }
  function settled() {
    if (sending || pendingCount() || blocked || held || Object.keys(invalid).length) return;
    var callbacks = afterFlush;
    afterFlush = [];
    callbacks.forEach(function (callback) { callback(); });
  }
  function pump() {
    show();
    if (sending || blocked || held || !queue.length) { settled(); return; }
    var unit = queue.shift();
    var sent = unitValues(unit);
    var body = new FormData();
    body.append("revision", revision());
    body.append("action", "save");
    fields(unit).forEach(function (el) {
      if (el.type !== "checkbox" || el.checked) body.append(el.name, el.value);
    });
    sending = unit;
    show();
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: true, // a save started as the page is left still arrives
      headers: { Accept: "application/json", "X-CSRFToken": csrf() },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        answer(unit, sent, response.status, data);
      });
    }, function () {
      sending = null;
      queue.unshift(unit);
      blocked = "offline";
      setTimeout(retry, 5000);
      show();
    });
  }
  function answer(unit, sent, status, data) {
    sending = null;
    if (status === 200 && data.ok) {
      revisionInput.value = data.revision;
      try { localStorage.setItem(storeKey + ".saved", String(data.revision)); } catch (e) { /* */ }
      lastSaved = data.saved_at;
      delete invalid[unit];
      clearErrors(unit);
      forget(unit, sent);
      if (same(unitValues(unit), sent)) markRestored(unit, false);
      if (conflict) conflict.hidden = true;
    } else if (status === 400) {
      invalid[unit] = true;
      afterFlush = [];
      showErrors(unit, data.errors || {});
    } else {
      queue.unshift(unit);
      afterFlush = [];
      if (status === 409) { blocked = "conflict"; showConflict(data.message); }
      else if (status === 401 || (status === 403 && data.code !== "forbidden")) {
        blocked = "signin"; // the session ended, or its token changed with a new sign-in
        openSignin();
      } else if (status === 403) { blocked = "forbidden"; showConflict(data.message); }
      else { blocked = "offline"; setTimeout(retry, 5000); }
    }
    pump();
  }
  function retry() {
    if (blocked === "offline" || blocked === "signin") { blocked = null; pump(); }
  }

  // --- signing in again ------------------------------------------------------------
  function refreshTokens() {
    var token = csrf();
    document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
      input.value = token;
    });
    document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
  }
  function openSignin() {
    if (!dialog || dialog.open) return;
    dialog.showModal();
    var user = document.getElementById("signin-username");
    (user.value ? document.getElementById("signin-password") : user).focus();
  }
  if (signinForm) {
    signinForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = new FormData(signinForm);
      body.append("csrfmiddlewaretoken", csrf());
      body.append("next", window.location.pathname);
      fetch(signinForm.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) {
          var stillThere = new URL(response.url).pathname === new URL(signinForm.action).pathname;
          if (!response.ok || stillThere) {
            document.getElementById("signin-error").hidden = false;
            return;
          }
          document.getElementById("signin-error").hidden = true;
          document.getElementById("signin-password").value = "";
          dialog.close();
          refreshTokens();
          retry();
        }, function () { document.getElementById("signin-error").hidden = false; });
    });
  }
  // Signed in in another tab, or the connection came back: try again.
  window.addEventListener("focus", function () { if (blocked === "signin") { refreshTokens(); retry(); } });
  window.addEventListener("online", retry);
  if (dialog) dialog.addEventListener("close", function () { if (blocked === "signin") show(); });

  // --- typing --------------------------------------------------------------------
  function edited(event, now) {
    var unit = unitOf(event.target);
    if (!unit) return;
    remember(unit);
    if (restored[unit] && held) return;
    if (now) { clearTimeout(timers[unit]); delete timers[unit]; enqueue(unit); }
    else schedule(unit);
  }
  form.addEventListener("input", function (event) {
    var unit = unitOf(event.target);
    // a select or a checkbox is done with at once; text waits for a pause
    edited(event, event.target.tagName === "SELECT" || event.target.type === "checkbox");
    if (unit && invalid[unit]) { delete invalid[unit]; show(); }
  });
  form.addEventListener("change", function (event) {
    var unit = unitOf(event.target);
    if (unit) flush(unit); // a text field left after a change (selects went at input)
  });
  form.addEventListener("focusout", function (event) {
    var unit = unitOf(event.target);
    if (unit) flush(unit);
  });

  // The page's own buttons (save, submit): everything pending is sent first.
  form.addEventListener("submit", function (event) {
    flushAll();
    if (!sending && !queue.length && !blocked && !held && !Object.keys(invalid).length) {
      leaving = true;
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    afterFlush.push(function () { leaving = true; form.requestSubmit(submitter); });
    pump();
  });
  window.addEventListener("beforeunload", function (event) {
    if (leaving) return;
    // What is not sent yet stays in this browser and goes from the next page; a save
    // already on its way arrives (keepalive).
    if (pendingCount() || blocked || held || Object.keys(invalid).length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- what an earlier visit left unsaved ---------------------------------------------
  function restore() {
    var draft = load();
    if (!draft || !draft.units) return;
    var units = Object.keys(draft.units).filter(function (unit) {
      var differs = false;
      visible(unit).forEach(function (el) {
        var value = draft.units[unit][el.name];
        if (value !== undefined && valueOf(el) !== value) { setValue(el, value); differs = true; }
      });
      if (!differs) delete draft.units[unit]; // the server has it already
      return differs;
    });
    store(draft);
    if (!units.length) return;
    units.forEach(function (unit) { markRestored(unit, true); queue.push(unit); });
    var text = noticeText.getAttribute("data-restored");
    var older = String(draft.revision) !== revision();
    if (older) { held = true; text += " " + noticeText.getAttribute("data-changed"); }
    noticeText.textContent = text;
    notice.querySelectorAll("button").forEach(function (b) { b.hidden = !older; });
    notice.hidden = false;
    pump();
  }
  document.getElementById("autosave-keep").addEventListener("click", function () {
    held = false;
    pump();
  });
  document.getElementById("autosave-discard").addEventListener("click", function () {
    Object.keys(restored).forEach(function (unit) {
      visible(unit).forEach(function (el) {
        if (el.type === "checkbox") el.checked = el.defaultChecked;
        else if (el.tagName === "SELECT") {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = o.defaultSelected; });
        } else el.value = el.defaultValue;
      });
      queue = queue.filter(function (u) { return u !== unit; });
      forget(unit, unitValues(unit));
      var draft = load();
      if (draft) { delete draft.units[unit]; store(draft); }
      markRestored(unit, false);
    });
    held = false;
    pump();
  });
  // A page drawn while a save from the page before it was still on its way shows
  // the text without it: the confirmed revision is newer than the page's, so it is
  // drawn again (once for that revision).
  function stale() {
    try {
      var saved = Number(localStorage.getItem(storeKey + ".saved") || 0);
      var onceKey = storeKey + ".redrawn";
      if (saved > Number(revision()) && sessionStorage.getItem(onceKey) !== String(saved)) {
        sessionStorage.setItem(onceKey, String(saved));
        leaving = true;
        window.location.reload();
        return true;
      }
    } catch (e) { /* storage refused: nothing to compare */ }
    return false;
  }
  if (!stale()) restore();
})();
