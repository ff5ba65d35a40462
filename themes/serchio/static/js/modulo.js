/* Progressive enhancement of forms rendered by ambito (the form works
   without it). Errors on leaving a field, with the service's own rules and
   Italian messages (POST …/verifica); sending without leaving the page;
   the protocol number shown in place; focus moved to what changed. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-modulo]");
  if (!form || !window.fetch || !window.FormData) return;
  var touched = {};

  function data() {
    var out = {};
    new FormData(form).forEach(function (v, k) {
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

  function box(name) {
    var input = document.getElementById("campo-" + name) || document.getElementById("campo-" + name + "-0");
    return input && input.closest(".campo");
  }

  function show(name, message) {
    var b = box(name);
    if (!b) return;
    var id = "campo-" + name + "-errore";
    var p = document.getElementById(id);
    var input = b.querySelector("input, select, textarea");
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
      return x && x !== id;
    });
    if (message) {
      if (!p) {
        p = document.createElement("p");
        p.className = "errore";
        p.id = id;
        input.parentNode === b ? b.insertBefore(p, input) : b.insertBefore(p, b.querySelector(".scelta"));
      }
      p.innerHTML = '<span class="visually-hidden">Errore: </span>';
      p.appendChild(document.createTextNode(message));
      described.push(id);
      b.classList.add("campo-errore");
      input.setAttribute("aria-invalid", "true");
    } else {
      if (p) p.remove();
      b.classList.remove("campo-errore");
      input.removeAttribute("aria-invalid");
    }
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  form.addEventListener("focusout", function (e) {
    var name = e.target.name;
    if (!name) return;
    touched[name] = true;
    post(form.action + "/verifica")
      .then(function (r) { return r.json(); })
      .then(function (r) {
        Object.keys(touched).forEach(function (n) { show(n, (r.errors || {})[n]); });
      })
      .catch(function () {});
  });

  function summary(errors) {
    var old = document.getElementById("riepilogo-errori");
    if (old) old.remove();
    var names = Object.keys(errors);
    if (!names.length) return;
    var div = document.createElement("div");
    div.className = "riepilogo-errori";
    div.id = "riepilogo-errori";
    div.setAttribute("role", "alert");
    div.tabIndex = -1;
    var h = document.createElement("h2");
    h.textContent = names.length === 1 ? "C\u2019\u00e8 un errore da correggere" : "Ci sono " + names.length + " errori da correggere";
    var ul = document.createElement("ul");
    Array.prototype.forEach.call(form.querySelectorAll(".campo input, .campo select, .campo textarea"), function (input) {
      if (errors[input.name] && !ul.querySelector('[data-n="' + input.name + '"]')) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = "#" + input.id;
        a.setAttribute("data-n", input.name);
        a.textContent = errors[input.name];
        li.appendChild(a);
        ul.appendChild(li);
      }
    });
    div.appendChild(h);
    div.appendChild(ul);
    form.parentNode.insertBefore(div, form);
    div.focus();
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    post(form.action)
      .then(function (r) {
        return r.json().then(function (body) { return { status: r.status, body: body }; });
      })
      .then(function (r) {
        button.disabled = false;
        if (r.status === 201) {
          var done = document.createElement("div");
          done.className = "conferma";
          done.id = "conferma";
          done.tabIndex = -1;
          done.innerHTML = "<h2>Richiesta inviata</h2><p>Numero di protocollo: <strong></strong></p><p>Riceverai a breve un\u2019email con il numero di protocollo e una copia dei dati inviati.</p>";
          done.querySelector("strong").textContent = r.body.protocol;
          var old = document.getElementById("riepilogo-errori");
          if (old) old.remove();
          form.parentNode.replaceChild(done, form);
          done.focus();
        } else if (r.status === 422) {
          Object.keys(data()).concat(Object.keys(r.body.errors)).forEach(function (n) { show(n, r.body.errors[n]); });
          summary(r.body.errors);
        } else {
          form.submit(); // anything unexpected: let the browser post, as without scripts
        }
      })
      .catch(function () { form.submit(); });
  });
})();
