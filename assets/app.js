// RedBranch page behaviour. Progressive enhancement only: every page works without this file
// (plain links and forms); this makes it quicker and safer. No dependencies, no build step.
//
// - toasts (#toasts > *) go away after 4 s, or when tapped;
// - data-confirm="…" on a form, button or link asks once before it acts;
// - forms with data-draft="key" keep what was typed in sessionStorage across a reload or a
//   dropped connection, and forget it once the server has accepted the form;
// - every htmx request carries the CSRF token from <meta name="csrf-token"> as X-CSRF-Token;
// - filter drawers (details.filters) start open on desktop;
// - an htmx request that fails on the network or the server shows a toast.
(function () {
  "use strict";

  var TOAST_MS = 4000;
  var DRAFT = "rb-draft:";
  var PENDING = "rb-draft-pending:";

  // ---------- Toasts ----------
  function armToast(el) {
    if (el.nodeType !== 1 || el.__rbArmed) return;
    el.__rbArmed = true;
    setTimeout(function () { el.remove(); }, TOAST_MS);
  }
  function armToasts(root) {
    var els = (root || document).querySelectorAll(".toast > *");
    for (var i = 0; i < els.length; i++) armToast(els[i]);
  }
  function showToast(text, kind) {
    var box = document.getElementById("toasts");
    if (!box || !text) return;
    var p = document.createElement("p");
    p.className = "toast-" + kind;
    if (kind === "error") p.setAttribute("role", "alert");
    p.textContent = text;
    box.appendChild(p);
    armToast(p);
  }
  document.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest(".toast > *");
    if (t) t.remove();
  });
  // Toasts arrive later too (htmx out-of-band swaps): watch for them wherever they land.
  new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      var added = records[i].addedNodes;
      for (var j = 0; j < added.length; j++) {
        var n = added[j];
        if (n.nodeType !== 1) continue;
        if (n.parentElement && n.parentElement.classList.contains("toast")) armToast(n);
        armToasts(n);
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });

  // ---------- Confirm before acting ----------
  // Capture phase, so a refusal stops the event before htmx or the browser acts on it.
  document.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-confirm]:not(form)");
    if (!el) return;
    if (!window.confirm(el.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
      return;
    }
    var form = el.form || el.closest("form");
    if (form) {
      // Asked once: the form's own data-confirm is skipped for the submit this click starts
      // (it fires synchronously); if validation stops the submit, the next one asks again.
      form.__rbConfirmed = true;
      setTimeout(function () { form.__rbConfirmed = false; }, 0);
    }
  }, true);
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.__rbConfirmed) { form.__rbConfirmed = false; return; }
    if (!form.hasAttribute("data-confirm")) return;
    if (!window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  // ---------- Drafts ----------
  function store(fn) { try { return fn(window.sessionStorage); } catch (_) { return null; } }
  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name.charAt(0) !== "_" && !el.hasAttribute("data-draft-skip") &&
        !/^(password|file|hidden|submit|button|reset|image)$/.test(el.type);
    });
  }
  function saveDraft(form) {
    var data = {};
    draftFields(form).forEach(function (el) {
      var list = data[el.name] || (data[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) list.push(el.value);
      } else if (el.multiple && el.options) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { list.push(o.value); });
      } else {
        list.push(el.value);
      }
    });
    store(function (s) { s.setItem(DRAFT + form.dataset.draft, JSON.stringify(data)); });
  }
  function restoreDraft(form) {
    var raw = store(function (s) { return s.getItem(DRAFT + form.dataset.draft); });
    var data;
    try { data = JSON.parse(raw); } catch (_) { return; }
    if (!data) return;
    var nth = {};
    draftFields(form).forEach(function (el) {
      var vals = data[el.name];
      if (!vals) return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = vals.indexOf(el.value) >= 0;
      } else if (el.multiple && el.options) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = vals.indexOf(o.value) >= 0; });
      } else {
        var i = nth[el.name] || 0;
        if (i < vals.length) el.value = vals[i];
        nth[el.name] = i + 1;
      }
    });
  }
  function forgetDraft(key) {
    store(function (s) { s.removeItem(DRAFT + key); s.removeItem(PENDING + key); });
  }
  function onDraftInput(e) {
    var form = e.target.form;
    if (form && form.dataset.draft) saveDraft(form);
  }
  document.addEventListener("input", onDraftInput);
  document.addEventListener("change", onDraftInput);
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.dataset.draft || e.defaultPrevented) return;
    saveDraft(form);
    store(function (s) { s.setItem(PENDING + form.dataset.draft, "1"); });
  });
  // A plain POST answers with a redirect. The draft was accepted when the page that follows
  // says so (a success toast) or no longer shows the form; otherwise it comes back with errors
  // and the draft stays.
  function settleDrafts() {
    var ok = document.querySelector(".toast > .toast-ok");
    store(function (s) {
      for (var i = s.length - 1; i >= 0; i--) {
        var k = s.key(i);
        if (!k || k.indexOf(PENDING) !== 0) continue;
        var key = k.slice(PENDING.length);
        var form = document.querySelector('form[data-draft="' + key.replace(/["\\]/g, "\\$&") + '"]');
        if (ok || !form) forgetDraft(key); else s.removeItem(k);
      }
    });
  }
  function restoreDrafts(root) {
    var forms = (root || document).querySelectorAll("form[data-draft]");
    for (var i = 0; i < forms.length; i++) restoreDraft(forms[i]);
  }

  // ---------- Filters open on desktop ----------
  var desktop = window.matchMedia("(min-width: 1024px)");
  function openFilters(root) {
    if (!desktop.matches) return;
    var ds = (root || document).querySelectorAll("details.filters:not([open])");
    for (var i = 0; i < ds.length; i++) ds[i].open = true;
  }

  // ---------- htmx ----------
  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) e.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var xhr = e.detail.xhr;
    var form = e.detail.elt && e.detail.elt.closest && e.detail.elt.closest("form[data-draft]");
    if (form && xhr && xhr.status >= 200 && xhr.status < 300) forgetDraft(form.dataset.draft);
  });
  function networkError() {
    var box = document.getElementById("toasts");
    showToast(box && box.getAttribute("data-network-error"), "error");
  }
  document.addEventListener("htmx:sendError", networkError);
  document.addEventListener("htmx:timeout", networkError);
  document.addEventListener("htmx:responseError", function (e) {
    if (!e.detail.xhr || e.detail.xhr.status >= 500) networkError();
  });
  // Content swapped in by htmx: open its filters. Drafts are restored on full page loads only,
  // so that a fresh form swapped in after a successful save stays empty.
  document.addEventListener("htmx:load", function (e) {
    var root = e.detail && e.detail.elt;
    if (root && root !== document.body && root.querySelectorAll) openFilters(root);
  });

  function start() {
    armToasts(document);
    settleDrafts();
    restoreDrafts(document);
    openFilters(document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
