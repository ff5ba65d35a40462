// ambito preview only (never in a built site): reloads the page after each
// rebuild, and shows the problems of a broken edit over the last good page.
// On the search page, says when the search index is behind the pages (it
// is brought up to date a moment after an edit) and reloads once it is not.
(function () {
  "use strict";
  var overlay = null;
  var broken = false;

  function text(tag, content, cls) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (cls) el.className = cls;
    return el;
  }

  function show(problems) {
    hide();
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-modal", "false");
    overlay.setAttribute("aria-labelledby", "ambito-problemi-titolo");
    overlay.id = "ambito-problemi";
    overlay.style.cssText =
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(255,255,255,.97);" +
      "color:#1a1a1a;font:16px/1.5 system-ui,sans-serif;padding:1.5rem;border-top:.5rem solid #b00020";
    var n = problems.length;
    var title = text("h2", n === 1 ? "Il sito ha 1 problema" : "Il sito ha " + n + " problemi");
    title.id = "ambito-problemi-titolo";
    title.tabIndex = -1;
    overlay.appendChild(title);
    overlay.appendChild(text("p",
      "L'anteprima mostra l'ultima versione corretta. Correggi il file e salva: la pagina si aggiorna da sola."));
    var list = document.createElement("ol");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.style.marginBottom = "1rem";
      var place = text("code", p.place);
      place.style.fontWeight = "bold";
      item.appendChild(place);
      item.appendChild(text("p", p.message));
      if (p.line !== null && p.line !== undefined) {
        var pre = text("pre", p.line);
        pre.style.cssText = "background:#f0f0f0;padding:.5rem;overflow:auto;border-left:.25rem solid #b00020";
        item.appendChild(pre);
      }
      list.appendChild(item);
    });
    overlay.appendChild(list);
    var close = text("button", "Nascondi e guarda l'ultima versione corretta");
    close.type = "button";
    close.addEventListener("click", hide);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
    title.focus();
  }

  function hide() {
    if (overlay && overlay.parentNode) overlay.parentNode.removeChild(overlay);
    overlay = null;
  }

  // The search page: the one a search form of the page sends to.
  function isSearchPage() {
    var forms = document.querySelectorAll("form[role=search]");
    for (var i = 0; i < forms.length; i++) {
      var action = forms[i].getAttribute("action");
      if (action && new URL(action, location.href).pathname === location.pathname) return true;
    }
    return false;
  }

  var notice = null;
  var wasBehind = false;
  function indexState(state) {
    if (!notice) return;
    if (state.indietro) {
      wasBehind = true;
      notice.style.cssText =
        "margin:0 0 1rem;padding:.75rem 1rem;background:#fff4ce;color:#1a1a1a;border-left:.25rem solid #8a5a00";
      notice.textContent = state.errore
        ? "L'indice della ricerca non si è potuto aggiornare: i risultati non comprendono le ultime modifiche. Il terminale di ambito dice perché."
        : "L'indice della ricerca si sta aggiornando con le ultime modifiche: per qualche secondo i risultati possono non comprenderle.";
    } else if (wasBehind) {
      // The new index: the same search again (the query is in the address).
      location.reload();
    }
  }
  if (isSearchPage()) {
    notice = document.createElement("p");
    notice.id = "ambito-indice";
    notice.setAttribute("role", "status");
    var main = document.querySelector("main") || document.body;
    main.insertBefore(notice, main.firstChild);
    fetch("/__ambito/indice", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(indexState)
      .catch(function () {});
  }

  var first = true;
  var source = new EventSource("/__ambito/eventi");
  source.addEventListener("indice", function (e) {
    try { indexState(JSON.parse(e.data)); } catch (err) {}
  });
  source.onmessage = function (e) {
    var outcome;
    try { outcome = JSON.parse(e.data); } catch (err) { return; }
    if (outcome.stato === "problemi") {
      broken = true;
      show(outcome.problemi);
    } else if (!first || broken) {
      location.reload();
    }
    first = false;
  };
})();
