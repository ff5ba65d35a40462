/* Search as you type on the search page, with Pagefind's JavaScript API
   (pagefind/pagefind.js and the index it loads, same origin, only on this
   page). Without this script the page explains that search needs
   JavaScript and lists the sections. Results are links in a list (keyboard
   order as written); their count is announced by the status region. */
(function () {
  "use strict";
  var form = document.querySelector("form.cerca[data-indice]");
  if (!form || !window.Promise || !window.URLSearchParams) return;
  var input = form.querySelector("input[name=q]");
  var section = form.querySelector("select[name=sezione]");
  var status = document.getElementById("cerca-stato");
  var list = document.getElementById("cerca-risultati");
  var fallback = document.getElementById("cerca-senza-js");
  var MAX = 10;
  var loading = null;
  var latest = 0;
  var timer = null;

  function pagefind() {
    if (!loading) {
      loading = import(form.getAttribute("data-indice") + "pagefind.js").then(function (pf) {
        return pf.init().then(function () { return pf; });
      });
    }
    return loading;
  }

  // Pagefind's excerpt is HTML with <mark> around the words found: parsed
  // inert, only its text and marks are kept.
  function excerpt(html) {
    var p = document.createElement("p");
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    doc.body.firstChild.childNodes.forEach(function (n) {
      if (n.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = n.textContent;
        p.appendChild(m);
      } else {
        p.appendChild(document.createTextNode(n.textContent));
      }
    });
    return p;
  }

  function show(q, total, pages) {
    list.replaceChildren();
    pages.forEach(function (page) {
      var li = document.createElement("li");
      var h = document.createElement("h2");
      var a = document.createElement("a");
      a.href = page.url;
      a.textContent = (page.meta && page.meta.title) || page.url;
      h.appendChild(a);
      li.appendChild(h);
      li.appendChild(excerpt(page.excerpt || ""));
      list.appendChild(li);
    });
    var words = "«" + q + "»";
    status.textContent = total === 0 ? "Nessun risultato per " + words + "."
      : total === 1 ? "1 risultato per " + words + "."
      : total > MAX ? total + " risultati per " + words + ": sono mostrati i primi " + MAX + "."
      : total + " risultati per " + words + ".";
  }

  function run() {
    var q = input.value.trim();
    var n = ++latest;
    var params = new URLSearchParams();
    if (q) params.set("q", q);
    if (section.value) params.set("sezione", section.value);
    var query = params.toString();
    history.replaceState(null, "", query ? "?" + query : location.pathname);
    if (!q) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    var filters = section.value ? { sezione: section.value } : {};
    pagefind().then(function (pf) {
      return pf.search(q, { filters: filters });
    }).then(function (search) {
      return Promise.all(search.results.slice(0, MAX).map(function (r) { return r.data(); }))
        .then(function (pages) {
          if (n === latest) show(q, search.results.length, pages);
        });
    }).catch(function () {
      if (n !== latest) return;
      list.replaceChildren();
      status.textContent = "La ricerca non è disponibile in questo momento: puoi trovare le informazioni dalle sezioni del sito, elencate qui sotto.";
      fallback.hidden = false;
    });
  }

  fallback.hidden = true;
  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  if (params.get("sezione")) section.value = params.get("sezione");
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  section.addEventListener("change", run);
  if (input.value) run();
})();
