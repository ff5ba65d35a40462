// Accessibility of the built site in a real browser (Debian's Chromium,
// driven by playwright-core; modules from tests/node, installed by
// scripts/test-deps). Run by tests/a11y.rs, which builds the site, starts
// the forms service and passes:
//   node tests/a11y.js SITE_DIR SITE_PORT OUT_DIR
// It serves SITE_DIR, then:
//  - runs axe-core (WCAG 2.1 A and AA rules) on every HTML file at 1280 px
//    and 320 px wide, and checks that the EU emblem with "Unione europea"
//    is in the first screen without scrolling;
//  - drives the form with the keyboard, script on: Tab order, focus to the
//    error summary, a summary link showing the field's label, help and
//    message, the summary kept current, focus to the confirmation;
//  - sends the form without scripts, saving the service's 422 and receipt
//    pages in OUT_DIR (tests/a11y.rs validates them) and checking them too.
// Prints every problem and exits 1 if there is any.
"use strict";
const fs = require("fs");
const path = require("path");
const http = require("http");
const { launch } = require("./browser.js");
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [siteDir, sitePort, outDir] = process.argv.slice(2);
const origin = `http://127.0.0.1:${sitePort}`;
const FORM = "/partecipa/manifestazione-di-interesse/";
const problems = [];
const fail = (where, what) => problems.push(`${where}: ${what}`);

const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain" };
function serve() {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, origin).pathname);
    if (p.endsWith("/")) p += "index.html";
    const file = path.join(siteDir, path.normalize(p));
    if (file.startsWith(siteDir) && fs.existsSync(file) && fs.statSync(file).isFile()) {
      res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream" });
      res.end(fs.readFileSync(file));
    } else {
      res.writeHead(404, { "Content-Type": TYPES[".html"] });
      res.end(fs.readFileSync(path.join(siteDir, "404.html")));
    }
  });
  return new Promise((ok) => server.listen(Number(sitePort), "127.0.0.1", () => ok(server)));
}

function htmlFiles(dir, base = "") {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? htmlFiles(path.join(dir, e.name), `${base}${e.name}/`)
      : e.name.endsWith(".html") ? [`/${base}${e.name}`.replace(/index\.html$/, "")] : []);
}

async function axe(page, where) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] }));
  for (const v of result.violations) {
    fail(where, `axe ${v.id} (${v.impact}): ${v.help}; ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }
  return result.violations.length;
}

// The emblem and the words "Unione europea" inside the first screen.
async function emblemInFirstScreen(page, where) {
  const r = await page.evaluate(() => {
    const e = document.querySelector("svg.emblema");
    const t = document.querySelector(".ue strong");
    if (!e || !t) return null;
    const a = e.getBoundingClientRect(), b = t.getBoundingClientRect();
    return { e: [a.top, a.bottom, a.width], t: [b.top, b.bottom, t.textContent], h: innerHeight, w: innerWidth, x: document.documentElement.scrollWidth };
  });
  if (!r) return fail(where, "no EU emblem");
  if (r.e[0] < 0 || r.e[1] > r.h || r.e[2] < 40) fail(where, `emblem not in the first screen: ${JSON.stringify(r)}`);
  if (r.t[0] < 0 || r.t[1] > r.h || r.t[2] !== "Unione europea") fail(where, `"Unione europea" not in the first screen: ${JSON.stringify(r)}`);
  if (r.x > r.w) fail(where, `scrolls sideways at ${r.w} px (${r.x} px wide)`);
}

// What the first screen really shows: a screenshot of the viewport, its
// pixels read back in a blank page (no site CSP there). Inside the emblem's
// box most pixels must be the EU's Reflex Blue (#003399) and some the
// stars' yellow (#FFCC00): drawn, in colour, not hidden or covered.
async function emblemPainted(page, decoder, where) {
  const box = await page.evaluate(() => {
    const r = document.querySelector("svg.emblema").getBoundingClientRect();
    return [Math.ceil(r.left), Math.ceil(r.top), Math.floor(r.right), Math.floor(r.bottom)];
  });
  const shot = (await page.screenshot()).toString("base64");
  const [blue, yellow, area] = await decoder.evaluate(async ([png, b]) => {
    const img = new Image();
    img.src = "data:image/png;base64," + png;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width; c.height = img.height;
    const g = c.getContext("2d");
    g.drawImage(img, 0, 0);
    const d = g.getImageData(b[0], b[1], b[2] - b[0], b[3] - b[1]).data;
    const near = (i, rgb) => Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) < 40;
    let blue = 0, yellow = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (near(i, [0x00, 0x33, 0x99])) blue++;
      else if (near(i, [0xff, 0xcc, 0x00])) yellow++;
    }
    return [blue, yellow, d.length / 4];
  }, [shot, box]);
  // The stars are small (radius 1/18 of the height) and antialiased: a few
  // pure yellow pixels are what a small emblem shows.
  if (blue < area * 0.6 || yellow < 8) fail(where, `the first screen does not show the emblem in colour: ${blue} blue and ${yellow} yellow of ${area} pixels`);
}

const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return a ? a.id || a.getAttribute("href") || a.tagName : null;
});

// Whether an element is entirely inside the viewport.
const inView = (page, selector) => page.evaluate((s) => {
  const el = document.querySelector(s);
  if (!el) return false;
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= innerHeight;
}, selector);

async function type(page, id, text) {
  await page.focus(`#${id}`);
  await page.keyboard.type(text);
}

async function keyboardForm(browser) {
  const where = `${FORM} (keyboard, script on)`;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(origin + FORM);
  await page.waitForLoadState("networkidle");
  // Tab order: the skip link first, then every control of the form in the
  // order it is written, nothing hidden on the way.
  const expected = await page.evaluate(() => Array.from(document.querySelectorAll(
    "form[data-modulo] input, form[data-modulo] select, form[data-modulo] textarea, form[data-modulo] a, form[data-modulo] button"))
    .filter((el) => el.tabIndex >= 0 && el.offsetParent !== null).map((el) => el.id || el.getAttribute("href") || el.tagName));
  await page.keyboard.press("Tab");
  if ((await focused(page)) !== "#contenuto") fail(where, `first Tab goes to ${await focused(page)}, not the skip link`);
  const seen = [];
  for (let i = 0; i < 200 && seen.length < expected.length; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    const inForm = await page.evaluate(() => !!document.activeElement.closest("form[data-modulo]"));
    if (inForm) seen.push(f);
  }
  if (JSON.stringify(seen) !== JSON.stringify(expected)) fail(where, `Tab order ${seen.join(" ")} is not ${expected.join(" ")}`);

  // Moving from the first box of a group (changed, empty again) to the
  // next is not leaving the group: no message yet. Leaving it checks it.
  {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await fresh.goto(origin + FORM);
    await fresh.waitForLoadState("networkidle");
    await fresh.focus("#campo-comuni-0");
    await fresh.keyboard.press("Space");
    await fresh.keyboard.press("Space");
    await fresh.keyboard.press("Tab");
    if ((await focused(fresh)) !== "campo-comuni-1") fail(where, `Tab from the first box goes to ${await focused(fresh)}`);
    await fresh.waitForTimeout(800);
    if (await fresh.locator("#campo-comuni-errore").count()) fail(where, "a group is checked on leaving its first box for the second");
    await fresh.focus("#campo-esperienza");
    await fresh.waitForSelector("#campo-comuni-errore", { timeout: 10000 })
      .catch(() => fail(where, "leaving an empty required group does not check it"));
    await fresh.close();
  }

  // Sending it empty: the summary gets the focus, and lists every error.
  await page.focus("form[data-modulo] button[type=submit]");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#riepilogo-errori li", { timeout: 10000 });
  if ((await focused(page)) !== "riepilogo-errori") fail(where, `after sending, focus is on ${await focused(page)}, not the error summary`);
  const count = () => page.locator("#riepilogo-errori li").count();
  const before = await count();
  if (before < 10) fail(where, `the summary lists ${before} errors`);
  await axe(page, `${where}, with errors`);
  // Groups: state and description on the fieldset, not on the first box.
  const group = await page.evaluate(() => {
    const fs = document.getElementById("campo-comuni-0").closest("fieldset");
    return [fs.getAttribute("aria-invalid"), fs.getAttribute("aria-describedby"), document.getElementById("campo-comuni-0").getAttribute("aria-invalid")];
  });
  if (group[0] !== "true" || !group[1] || !group[1].includes("campo-comuni-errore") || group[2] !== null) fail(where, `group state not on the fieldset: ${group}`);

  // A summary link by keyboard: focus to the field, its label, help and
  // message in view. Once for a text field, once for a group.
  for (const [link, control, shown] of [
    ["#campo-codice_fiscale", "campo-codice_fiscale", ["label[for=campo-codice_fiscale]", "#campo-codice_fiscale-aiuto", "#campo-codice_fiscale-errore"]],
    ["#campo-comuni-0", "campo-comuni-0", ["fieldset:has(#campo-comuni-0) legend", "#campo-comuni-errore"]],
  ]) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.focus(`#riepilogo-errori a[href="${link}"]`);
    await page.keyboard.press("Enter");
    await page.waitForTimeout(100);
    if ((await focused(page)) !== control) fail(where, `summary link ${link} leaves focus on ${await focused(page)}`);
    for (const s of shown) if (!(await inView(page, s))) fail(where, `summary link ${link}: ${s} is out of view`);
  }

  // A field fixed inline leaves the summary at once.
  await type(page, "campo-denominazione", "Associazione Esempio");
  await page.keyboard.press("Tab");
  await page.waitForFunction((n) => document.querySelectorAll("#riepilogo-errori li").length === n - 1, before, { timeout: 10000 })
    .catch(() => fail(where, "the summary still lists a field fixed inline"));
  // Moving between boxes of a group does not check it; leaving it does.
  await page.focus("#campo-linee-0");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab"); // to the next box: still inside the group
  await page.focus("#campo-esperienza"); // out of the group
  await page.waitForFunction(() => !document.getElementById("campo-linee-errore"), null, { timeout: 10000 })
    .catch(() => fail(where, "a group's message stays after it was fixed and left"));

  // The consent box on the line of its label.
  const consent = await page.evaluate(() => {
    const b = document.getElementById("campo-privacy").getBoundingClientRect();
    const l = document.querySelector("label[for=campo-privacy]").getBoundingClientRect();
    return [b.top, b.bottom, l.top, l.left - b.right];
  });
  if (!(consent[0] < consent[2] + 24 && consent[1] > consent[2]) || consent[3] < 0) fail(where, `the consent box is not beside its label: ${consent}`);

  // The rest, then send: focus to the confirmation, with the receipt
  // number, the date and what happens next.
  await page.focus("#campo-forma_giuridica");
  await page.keyboard.press("ArrowDown");
  await type(page, "campo-codice_fiscale", "12345678903");
  await type(page, "campo-sede_legale", "Via Roma 1, 55032 Castelnuovo di Garfagnana");
  await type(page, "campo-legale_rappresentante", "Maria Rossi");
  await type(page, "campo-referente", "Luca Bianchi");
  await type(page, "campo-email", "segreteria@esempio.it");
  await type(page, "campo-telefono", "0583 123456");
  await page.focus("#campo-comuni-1");
  await page.keyboard.press("Space");
  await type(page, "campo-esperienza", "Doposcuola e accompagnamento delle famiglie.");
  await page.focus("#campo-privacy");
  await page.keyboard.press("Space");
  await page.focus("form[data-modulo] button[type=submit]");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#conferma", { timeout: 10000 }).catch(() => {});
  const done = await page.evaluate(() => {
    const c = document.getElementById("conferma");
    return c && { focus: document.activeElement === c, text: c.textContent, next: (c.querySelector("a") || {}).href, summary: !!document.getElementById("riepilogo-errori") };
  });
  if (!done) fail(where, "no confirmation after a valid submission");
  else {
    if (!done.focus) fail(where, "focus is not on the confirmation");
    if (!/Numero di ricevuta: \S+/.test(done.text)) fail(where, `no receipt number: ${done.text}`);
    if (!/Ricevuta il: \d{1,2}º? \w+ \d{4}, ore \d\d:\d\d/.test(done.text)) fail(where, `no date: ${done.text}`);
    if (!done.next || !done.next.endsWith(`${FORM}grazie/`)) fail(where, `no "what happens next" link: ${done.next}`);
    if (!done.text.includes("La manifestazione di interesse è letta dall’ufficio della Zona Distretto Valle del Serchio. Non c’è una graduatoria e non è dovuta una risposta")) fail(where, `the confirmation does not say what happens next: ${done.text}`);
    if (done.summary) fail(where, "the error summary stays after sending");
    await axe(page, `${where}, confirmation`);
  }
  await page.close();
}

// A valid form, with `file` chosen for the signed document.
async function fillValid(page, file) {
  await page.fill("#campo-denominazione", "Associazione Esempio");
  await page.selectOption("#campo-forma_giuridica", "aps");
  await page.fill("#campo-codice_fiscale", "12345678903");
  await page.fill("#campo-sede_legale", "Via Roma 1, 55032 Castelnuovo di Garfagnana");
  await page.fill("#campo-legale_rappresentante", "Maria Rossi");
  await page.fill("#campo-referente", "Luca Bianchi");
  await page.fill("#campo-email", "segreteria@esempio.it");
  await page.fill("#campo-telefono", "0583 123456");
  await page.check("#campo-comuni-0");
  await page.check("#campo-linee-0");
  await page.fill("#campo-esperienza", "Doposcuola.");
  await page.check("#campo-privacy");
  if (file) await page.setInputFiles("#campo-domanda", file);
}

async function openForm(browser, width) {
  const page = await browser.newPage({ viewport: { width, height: 640 } });
  await page.goto(origin + FORM);
  await page.waitForLoadState("networkidle");
  return page;
}

// When the script checks, and what it keeps (script on).
async function formChecks(browser) {
  const where = `${FORM} (script on, checks)`;
  // Tabbing through the empty form shows no error: a field is checked on
  // leaving it only once changed, or after a first send.
  {
    const page = await openForm(browser, 1280);
    await page.focus("#campo-denominazione");
    for (let i = 0; i < 45; i++) await page.keyboard.press("Tab");
    await page.waitForTimeout(800);
    const n = await page.locator("form[data-modulo] .errore").count();
    if (n) fail(where, `tabbing through the empty form shows ${n} errors`);
    await type(page, "campo-codice_fiscale", "123");
    await page.keyboard.press("Tab");
    await page.waitForSelector("#campo-codice_fiscale-errore", { timeout: 10000 })
      .catch(() => fail(where, "a changed field is not checked on leaving it"));
    await page.close();
  }
  // At 360 px, after sending, the error summary's heading is on screen.
  {
    const page = await openForm(browser, 360);
    await page.focus("form[data-modulo] button[type=submit]");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#riepilogo-errori li", { timeout: 10000 }).catch(() => {});
    await page.waitForTimeout(200);
    if ((await focused(page)) !== "riepilogo-errori") fail(where, "at 360 px the summary does not get the focus");
    if (!(await inView(page, "#riepilogo-errori h2"))) fail(where, "at 360 px the summary's heading is out of view");
    // A field left after a send is checked even if never changed.
    await page.focus("#campo-runts");
    await page.focus("#campo-pec");
    await page.close();
  }
  // A file over the limit is refused before sending, in the field's words.
  {
    const page = await openForm(browser, 1280);
    const posts = [];
    page.on("request", (r) => { if (r.method() === "POST" && !r.url().endsWith("/verifica")) posts.push(r.url()); });
    await fillValid(page, { name: "grande.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(11 * 1024 * 1024, 0x25) });
    await page.focus("form[data-modulo] button[type=submit]");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#riepilogo-errori li", { timeout: 10000 }).catch(() => {});
    const summary = (await page.locator("#riepilogo-errori").count()) ? await page.locator("#riepilogo-errori").textContent() : "";
    if (!summary.includes("«grande.pdf» è troppo grande: al massimo 10 MB")) fail(where, `an 11 MB file is not refused before sending: "${summary}"`);
    if ((await focused(page)) !== "riepilogo-errori") fail(where, "the size error does not get the focus");
    if (posts.length) fail(where, `an 11 MB file is sent: ${posts.join(", ")}`);
    await page.close();
  }
  // The service refuses a PNG named .pdf: its error (which /verifica
  // cannot judge, having no files) stays while other fields are checked,
  // and goes once another file is chosen.
  {
    const page = await openForm(browser, 1280);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
    await fillValid(page, { name: "firmata.pdf", mimeType: "application/pdf", buffer: png });
    await page.focus("form[data-modulo] button[type=submit]");
    await page.keyboard.press("Enter");
    const shown = await page.waitForSelector("#campo-domanda-errore", { timeout: 10000 }).then(() => true, () => false);
    if (!shown) fail(where, "no error for a PNG named .pdf");
    else {
      const verified = page.waitForResponse((r) => r.url().endsWith("/verifica"), { timeout: 10000 }).catch(() => null);
      await type(page, "campo-denominazione", " APS");
      await page.focus("#campo-referente");
      await verified;
      await page.waitForTimeout(300);
      if (!(await page.locator("#campo-domanda-errore").count())) fail(where, "the file's error vanished when another field was checked");
      if (!(await page.locator("#riepilogo-errori a[data-n=domanda]").count())) fail(where, "the file's error left the summary when another field was checked");
      await page.setInputFiles("#campo-domanda", { name: "firmata.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") });
      await page.focus("#campo-domanda");
      await page.focus("#campo-referente");
      await page.waitForFunction(() => !document.getElementById("campo-domanda-errore"), null, { timeout: 10000 })
        .catch(() => fail(where, "the file's error stays after another file was chosen"));
    }
    await page.close();
  }
}

// Without scripts: the service's own pages, saved for the HTML checker.
async function withoutScripts(browser) {
  const where = `${FORM} (no script)`;
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(origin + FORM);
  await page.click("form[data-modulo] button[type=submit]");
  await page.waitForLoadState();
  const page422 = await page.content();
  fs.writeFileSync(path.join(outDir, "servizio-422.html"), page422);
  // Sent again from the site's page: here the service is on another origin
  // than the site, and it accepts posts from the site's origin only.
  await page.goto(origin + FORM);
  await page.fill("#campo-denominazione", "Associazione Esempio");
  await page.selectOption("#campo-forma_giuridica", "aps");
  await page.fill("#campo-codice_fiscale", "12345678903");
  await page.fill("#campo-sede_legale", "Via Roma 1, 55032 Castelnuovo di Garfagnana");
  await page.fill("#campo-legale_rappresentante", "Maria Rossi");
  await page.fill("#campo-referente", "Luca Bianchi");
  await page.fill("#campo-email", "segreteria@esempio.it");
  await page.fill("#campo-telefono", "0583 123456");
  await page.check("#campo-comuni-0");
  await page.check("#campo-linee-0");
  await page.fill("#campo-esperienza", "Doposcuola.");
  await page.check("#campo-privacy");
  await page.click("form[data-modulo] button[type=submit]");
  await page.waitForLoadState();
  const receipt = await page.content();
  fs.writeFileSync(path.join(outDir, "servizio-ricevuta.html"), receipt);
  await context.close();
  // Scripts cannot run in that context: check the two pages in another.
  const check = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await check.setContent(page422, { waitUntil: "load" });
  const group = await check.evaluate(() => {
    const fs = document.getElementById("campo-comuni-0").closest("fieldset");
    return [fs.getAttribute("aria-invalid"), document.getElementById("campo-comuni-0").getAttribute("aria-invalid")];
  });
  if (group[0] !== "true" || group[1] !== null) fail(where, `group state not on the fieldset: ${group}`);
  await axe(check, `${where}, the service's page with errors`);
  await emblemInFirstScreen(check, `${where}, the service's page with errors`);
  await check.setContent(receipt, { waitUntil: "load" });
  if (!(await check.locator("#conferma").count())) fail(where, "no receipt page");
  await axe(check, `${where}, the service's receipt`);
  await check.close();
}

(async () => {
  const server = await serve();
  const browser = await launch();
  // Every page; the shells are checked filled, as the service serves them.
  const pages = htmlFiles(siteDir).filter((p) => !p.endsWith(".shell.html")).sort();
  let runs = 0;
  const decoder = await browser.newPage();
  for (const [width, height] of [[1280, 800], [320, 640]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    for (const url of pages) {
      await page.goto(origin + url);
      await axe(page, `${url} at ${width} px`);
      await emblemInFirstScreen(page, `${url} at ${width} px`);
      await emblemPainted(page, decoder, `${url} at ${width} px`);
      runs++;
      if (process.env.A11Y_VERBOSE) console.error(`${url} ${width}px done`);
    }
    await page.close();
  }
  // At 360 px the projects' table is stacked: every value on screen, no
  // column hidden in a scrolling box.
  {
    const page = await browser.newPage({ viewport: { width: 360, height: 640 } });
    await page.goto(origin + "/progetti/");
    const cut = await page.$$eval("table.confronto td, table.confronto th", (cells) => cells
      .filter((c) => { const r = c.getBoundingClientRect(); return r.width > 1 && (r.right > innerWidth || r.left < 0); })
      .map((c) => c.textContent));
    const box = await page.$eval("table.confronto", (t) => [t.scrollWidth, t.clientWidth]);
    if (cut.length || box[0] > box[1]) fail("/progetti/ at 360 px", `table cells off screen: ${cut.join(" | ")} (${box})`);
    // The comuni map's links are out of the tab order: Tab goes through the
    // list, in its order.
    await page.goto(origin + "/comuni/");
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate(() => !!document.activeElement.closest("svg"))) { fail("/comuni/", "Tab stops on the map's links"); break; }
    }
    await page.close();
  }
  // No built page scrolls sideways at 360 px either (320 px is checked above).
  {
    const page = await browser.newPage({ viewport: { width: 360, height: 640 } });
    for (const url of pages) {
      await page.goto(origin + url);
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      if (w > 360) fail(`${url} at 360 px`, `scrolls sideways (${w} px wide)`);
    }
    await page.close();
  }
  await keyboardForm(browser);
  await formChecks(browser);
  await withoutScripts(browser);
  await browser.close();
  server.close();
  console.log(`axe-core ${JSON.parse(fs.readFileSync(require.resolve("axe-core/package.json"))).version}: ${pages.length} pages × 2 widths = ${runs} runs, plus the form's states and the service's pages; ${problems.length} problems`);
  for (const p of problems) console.log(`PROBLEM ${p}`);
  process.exit(problems.length ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
