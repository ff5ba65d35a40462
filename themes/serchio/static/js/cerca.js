/* Search as you type on the search page, with Pagefind's JavaScript API
   (pagefind/pagefind.js and the index it loads, same origin, only on this
   page). Without this script the page explains that search needs
   JavaScript and lists the sections. Results are links in a list (keyboard
   order as written), ten at a time with "Mostra altri risultati"; their
   count is announced by the status region. A query whose best result
   matches only a much shorter word (Pagefind falls back to a word's first
   letters: "tirocigno" finds "ti") has no results. */
(function () {
  "use strict";
  var form = document.querySelector("form.cerca[data-indice]");
  if (!form || !window.Promise || !window.URLSearchParams) return;
  var input = form.querySelector("input[name=q]");
  var section = form.querySelector("select[name=sezione]");
  var status = document.getElementById("cerca-stato");
  var list = document.getElementById("cerca-risultati");
  var fallback = document.getElementById("cerca-senza-js");
  var more = document.getElementById("cerca-altri");
  var MAX = 10;
  var found = null; // the current query, its results and how many are shown
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

  // Whether a result matches the query's words, not just their first
  // letters: some word marked in its excerpt is at least 3/5 as long as
  // some word of the query (or 4 letters).
  function relevant(q, page) {
    var marked = (page.excerpt || "").match(/<mark>[^<]*<\/mark>/g) || [];
    if (!marked.length) return true; // nothing to judge by
    var longest = Math.max.apply(null, marked.map(function (m) { return m.length - 13; }).concat(0));
    return q.split(/\s+/).some(function (w) { return longest >= Math.min(w.length * 0.6, 4); });
  }

  function add(pages) {
    var first = null;
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
      first = first || a;
    });
    return first;
  }

  function count() {
    var words = "«" + found.q + "»", total = found.results.length, shown = list.children.length;
    more.hidden = shown >= total;
    status.textContent = total === 0 ? "Nessun risultato per " + words + ": controlla come sono scritte le parole, o cerca nelle sezioni del sito."
      : total === 1 ? "1 risultato per " + words + "."
      : shown < total ? total + " risultati per " + words + ": sono mostrati i primi " + shown + "."
      : total + " risultati per " + words + ".";
  }

  function page(from) {
    return Promise.all(found.results.slice(from, from + MAX).map(function (r) { return r.data(); }));
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
      more.hidden = true;
      return;
    }
    var filters = section.value ? { sezione: section.value } : {};
    pagefind().then(function (pf) {
      return pf.search(q, { filters: filters });
    }).then(function (search) {
      var now = { q: q, results: search.results };
      return Promise.all(now.results.slice(0, MAX).map(function (r) { return r.data(); }))
        .then(function (pages) {
          if (n !== latest) return;
          if (pages.length && !relevant(q, pages[0])) {
            now.results = [];
            pages = [];
          }
          found = now;
          list.replaceChildren();
          add(pages);
          count();
        });
    }).catch(function () {
      if (n !== latest) return;
      list.replaceChildren();
      status.textContent = "La ricerca non è disponibile in questo momento: puoi trovare le informazioni dalle sezioni del sito, elencate qui sotto.";
      fallback.hidden = false;
    });
  }

  more.addEventListener("click", function () {
    var shown = found;
    page(list.children.length).then(function (pages) {
      if (shown !== found) return;
      var first = add(pages);
      count();
      if (first) first.focus();
    });
  });

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
