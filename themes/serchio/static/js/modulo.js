/* Progressive enhancement of forms rendered by ambito (the form works
   without it). Errors on leaving a field (a group of boxes: on leaving the
   group), with the service's own rules and Italian messages (POST
   …/verifica); the error summary kept true as fields are fixed; sending
   without leaving the page; the receipt number, date and next step shown
   in place; focus moved to what changed. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-modulo]");
  if (!form || !window.fetch || !window.FormData) return;
  var touched = {};
  var listed = {}; // the fields the error summary lists

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

  // The form's field names, in order.
  function names() {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.closest(".campo") && out.indexOf(el.name) < 0) out.push(el.name);
    });
    return out;
  }

  function control(name) {
    return document.getElementById("campo-" + name) || document.getElementById("campo-" + name + "-0");
  }

  function box(name) {
    var c = control(name);
    return c && c.closest(".campo");
  }

  function show(name, message) {
    var b = box(name);
    if (!b) return;
    var id = "campo-" + name + "-errore";
    var p = document.getElementById(id);
    // A group's state is on its fieldset, as without scripts.
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

  form.addEventListener("focusout", function (e) {
    var name = e.target.name;
    var b = name && box(name);
    // Moving from box to box inside a group is not leaving it.
    if (!b || (e.relatedTarget && b.contains(e.relatedTarget))) return;
    touched[name] = true;
    post(form.action + "/verifica")
      .then(function (r) { return r.json(); })
      .then(function (r) {
        var errors = r.errors || {};
        Object.keys(touched).forEach(function (n) { show(n, errors[n]); });
        if (document.getElementById("riepilogo-errori")) {
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
    var div = document.getElementById("riepilogo-errori");
    var list = names().filter(function (n) { return errors[n]; });
    listed = errors;
    if (!list.length) {
      if (div) div.remove();
      return;
    }
    if (div && !focus) {
      // Fixed inline: drop its entry, keep the rest (and the focus) as it is.
      Array.prototype.forEach.call(div.querySelectorAll("li"), function (li) {
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
      // A link shows the whole field, label and help included.
      div.addEventListener("click", function (e) {
        var a = e.target.closest("a");
        var c = a && document.getElementById(a.getAttribute("href").slice(1));
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
    if (focus) div.focus();
  }

  // "26 novembre 2026, ore 18:35", Italian time, as the receipt says it.
  function when(t) {
    var d = t ? new Date(typeof t === "number" ? t * 1000 : t) : new Date();
    var o = { timeZone: "Europe/Rome" };
    var day = d.toLocaleDateString("it-IT", { timeZone: o.timeZone, day: "numeric", month: "long", year: "numeric" });
    return day.replace(/^1 /, "1\u00ba ") + ", ore " + d.toLocaleTimeString("it-IT", { timeZone: o.timeZone, hour: "2-digit", minute: "2-digit" });
  }

  function confirm(body) {
    var done = document.createElement("div");
    done.className = "conferma";
    done.id = "conferma";
    done.tabIndex = -1;
    done.innerHTML = "<h2>Richiesta inviata</h2><p>Numero di ricevuta: <strong></strong><br>Ricevuta il: <span></span></p><p>Annota il numero di ricevuta: la richiesta \u00e8 registrata. Avrai un\u2019email di riepilogo (non se oggi ne hai gi\u00e0 avute altre): guarda anche nella posta indesiderata.</p><p><a>Che cosa succede ora</a></p>";
    done.querySelector("strong").textContent = body.receipt || body.protocol;
    done.querySelector("span").textContent = when(body.received_at);
    var next = form.parentNode.getAttribute("data-grazie");
    if (next) done.querySelector("a").href = next;
    else done.lastChild.remove();
    (body.files || []).forEach(function (f) {
      done.children[1].append(document.createElement("br"), "File: " + f.name + " (" + f.size + " byte), SHA-256: " + f.sha256);
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
          names().forEach(function (n) {
            touched[n] = true;
            show(n, r.body.errors[n]);
          });
          summary(r.body.errors, true);
        } else {
          form.submit(); // anything unexpected: let the browser post, as without scripts
        }
      })
      .catch(function () { form.submit(); });
  });
})();
