/* Enhances ambito's forms, which work without it (README: "The form script"). */
(function () {
 "use strict";
 var form = document.querySelector("form[data-modulo]");
 if (!form || !window.fetch || !window.FormData) return;
 var touched = {}, changed = {}, kept = {}, listed = {}, tried = false;
 var each = function (l, f) { Array.prototype.forEach.call(l, f); };
 var byId = function (id) { return document.getElementById(id); };

 function data() {
  var out = {};
  new FormData(form).forEach(function (v, k) {
   if (typeof v != "string") return;
   out[k] = k in out ? [].concat(out[k], v) : v;
  });
  return out;
 }

 function post(url) {
  return fetch(url, {
   method: "POST",
   headers: { "Content-Type": "application/json", Accept: "application/json" },
   body: JSON.stringify(data())
  });
 }

 function names() {
  var out = [];
  each(form.elements, function (el) {
   if (el.name && el.closest(".campo") && out.indexOf(el.name) < 0) out.push(el.name);
  });
  return out;
 }

 function control(name) {
  return byId("campo-" + name) || byId("campo-" + name + "-0");
 }

 function box(name) {
  var c = control(name);
  return c && c.closest(".campo");
 }

 // Files too big, in the service's words.
 function local() {
  var out = {};
  each(form.querySelectorAll("input[type=file][data-max-mb]"), function (el) {
   var max = +el.getAttribute("data-max-mb"), label = form.querySelector("label[for=" + el.id + "]").firstChild.textContent.trim();
   each(el.files, function (f) {
    if (f.size > max * 1048576) out[el.name] = "\u00ab" + label + "\u00bb: il file \u00ab" + f.name + "\u00bb \u00e8 troppo grande: al massimo " + max + " MB.";
   });
  });
  return out;
 }

 function show(name, message) {
  var b = box(name);
  if (!b) return;
  var id = "campo-" + name + "-errore";
  var p = byId(id);
  var t = b.tagName === "FIELDSET" ? b : control(name);
  var described = (t.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
   return x && x !== id;
  });
  if (message) {
   if (!p) {
    p = document.createElement("p");
    p.className = "errore";
    p.id = id;
    b.insertBefore(p, b.querySelector(".scelta, input, select, textarea"));
   }
   p.innerHTML = '<span class="visually-hidden">Errore: </span>';
   p.appendChild(document.createTextNode(message));
   described.push(id);
   b.classList.add("campo-errore");
   t.setAttribute("aria-invalid", "true");
  } else {
   if (p) p.remove();
   b.classList.remove("campo-errore");
   t.removeAttribute("aria-invalid");
  }
  if (described.length) t.setAttribute("aria-describedby", described.join(" "));
  else t.removeAttribute("aria-describedby");
 }

 function edit(e) {
  var n = e.target.name;
  changed[n] = true;
  delete kept[n];
 }
 form.addEventListener("input", edit);
 form.addEventListener("change", edit);

 form.addEventListener("focusout", function (e) {
  var name = e.target.name;
  var b = name && box(name);
  // Box to box in a group is not leaving it.
  if (!b || (e.relatedTarget && b.contains(e.relatedTarget)) || !(changed[name] || tried)) return;
  touched[name] = true;
  post(form.action + "/verifica")
   .then(function (r) { return r.json(); })
   .then(function (r) {
    var errors = Object.assign({}, r.errors, local(), kept);
    Object.keys(touched).forEach(function (n) { show(n, errors[n]); });
    if (byId("riepilogo-errori")) {
     var still = {};
     Object.keys(listed).forEach(function (n) { if (errors[n]) still[n] = errors[n]; });
     summary(still, false);
    }
   })
   .catch(function () {});
 });

 function title(n) {
  return n === 1 ? "C\u2019\u00e8 un errore da correggere" : "Ci sono " + n + " errori da correggere";
 }

 function summary(errors, focus) {
  var div = byId("riepilogo-errori");
  var list = names().filter(function (n) { return errors[n]; });
  listed = errors;
  if (!list.length) {
   if (div) div.remove();
   return;
  }
  if (div && !focus) {
   each(div.querySelectorAll("li"), function (li) {
    if (!errors[li.firstChild.getAttribute("data-n")]) li.remove();
   });
   div.firstChild.textContent = title(list.length);
   return;
  }
  if (!div) {
   div = document.createElement("div");
   div.className = "riepilogo-errori";
   div.id = "riepilogo-errori";
   div.setAttribute("role", "alert");
   div.tabIndex = -1;
   form.parentNode.insertBefore(div, form);
   div.addEventListener("click", function (e) {
    var a = e.target.closest("a");
    var c = a && byId(a.getAttribute("href").slice(1));
    if (!c) return;
    e.preventDefault();
    c.closest(".campo").scrollIntoView();
    c.focus({ preventScroll: true });
   });
  }
  div.innerHTML = "<h2></h2><ul></ul>";
  div.firstChild.textContent = title(list.length);
  list.forEach(function (n) {
   var li = document.createElement("li");
   var a = document.createElement("a");
   a.href = "#" + control(n).id;
   a.setAttribute("data-n", n);
   a.textContent = errors[n];
   li.appendChild(a);
   div.lastChild.appendChild(li);
  });
  if (focus) {
   // Heading in view on narrow screens.
   div.focus({ preventScroll: true });
   div.scrollIntoView();
  }
 }

 function fail(errors) {
  names().forEach(function (n) {
   touched[n] = true;
   show(n, errors[n]);
  });
  summary(errors, true);
 }

 // "26 novembre 2026, ore 18:35", Italian time.
 function when(t) {
  var d = t ? new Date(typeof t === "number" ? t * 1000 : t) : new Date();
  var z = "Europe/Rome";
  var day = d.toLocaleDateString("it-IT", { timeZone: z, day: "numeric", month: "long", year: "numeric" });
  return day.replace(/^1 /, "1\u00ba ") + ", ore " + d.toLocaleTimeString("it-IT", { timeZone: z, hour: "2-digit", minute: "2-digit" });
 }

 function confirm(body) {
  var done = document.createElement("div");
  done.className = "conferma";
  done.id = "conferma";
  done.tabIndex = -1;
  done.innerHTML = "<h2>Richiesta inviata</h2><p>Numero di ricevuta: <strong></strong><br>Ricevuta il: <span></span></p><p>Annota il numero di ricevuta. Avrai un\u2019email di riepilogo (non se oggi ne hai gi\u00e0 avute altre): guarda anche nella posta indesiderata.</p><p><a>Che cosa succede ora</a></p>";
  done.querySelector("strong").textContent = body.receipt || body.protocol;
  done.querySelector("span").textContent = when(body.received_at);
  var next = form.parentNode.getAttribute("data-grazie");
  if (next) done.querySelector("a").href = next;
  else done.lastChild.remove();
  // What happens next, as the call's notice says it.
  var after = byId("dopo-invio");
  if (after) done.insertBefore(document.createElement("p"), done.lastChild).textContent = after.textContent;
  // The hash in <code>, which wraps on a phone (CSS), explained as on the service's receipt.
  (body.files || []).forEach(function (f) {
   var c = document.createElement("code");
   c.textContent = f.sha256;
   done.children[1].append(document.createElement("br"), "File: " + f.name + " (" + f.size + " byte), impronta SHA-256 (un codice che identifica il file): ", c);
  });
  summary({}, false);
  form.parentNode.replaceChild(done, form);
  done.focus();
 }

 function upload(url) {
  return new Promise(function (ok, ko) {
   var x = new XMLHttpRequest(), bar = document.createElement("progress");
   bar.title = "Invio dei file";
   x.open("POST", url);
   x.setRequestHeader("Accept", "application/json");
   x.upload.onprogress = function (e) {
    if (e.total > 1e6) form.appendChild(bar).value = e.loaded / e.total;
   };
   x.onload = function () { bar.remove(); ok(new Response(x.response, { status: x.status })); };
   x.onerror = ko;
   x.send(new FormData(form));
  });
 }

 form.addEventListener("submit", function (e) {
  e.preventDefault();
  tried = true;
  var big = local();
  if (Object.keys(big).length) return fail(big);
  var button = form.querySelector("button[type=submit]");
  button.disabled = true;
  (form.enctype == "multipart/form-data" ? upload : post)(form.action)
   .then(function (r) {
    return r.json().then(function (body) { return { status: r.status, body: body }; });
   })
   .then(function (r) {
    button.disabled = false;
    if (r.status === 201) {
     confirm(r.body);
    } else if (r.status === 422) {
     kept = Object.assign({}, r.body.errors);
     fail(r.body.errors);
    } else {
     form.submit(); // unexpected: post as without scripts
    }
   })
   .catch(function () { form.submit(); });
 });
})();
