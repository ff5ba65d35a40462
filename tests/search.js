// Search on the built site in a real browser (Debian's Chromium, driven by
// playwright-core from tests/node, installed by scripts/test-deps). Run by
// tests/browser.rs, which builds the site and passes:
//   node tests/search.js SITE_DIR NGINX_CONF
// It serves SITE_DIR with the Content-Security-Policy headers of the
// shipped nginx configuration (the search page's own policy on /cerca/ and
// /pagefind/, the site's on everything else), then:
//  - on /cerca/, types queries with the keyboard and checks the results
//    listed, the count announced in the aria-live status, and that Tab
//    reaches the first result with a visible focus ring;
//  - loads every other page and checks that it requests nothing of the
//    search (no pagefind/ file, no cerca script);
//  - reports any console error or refused request (a CSP violation).
// Prints every problem and exits 1 if there is any.
"use strict";
const fs = require("fs");
const path = require("path");
const http = require("http");
const { launch } = require("./browser.js");

const [siteDir, confFile] = process.argv.slice(2);
const problems = [];
const fail = (where, what) => problems.push(`${where}: ${what}`);

// The two policies of the nginx file: the search one (with WebAssembly)
// and the site's.
const policies = [...fs.readFileSync(confFile, "utf8").matchAll(/Content-Security-Policy "([^"]+)"/g)].map((m) => m[1]);
const searchPolicy = policies.find((p) => p.includes("wasm-unsafe-eval"));
const sitePolicy = policies.find((p) => !p.includes("wasm-unsafe-eval"));
if (!searchPolicy || !sitePolicy) {
  console.error(`${confFile}: expected a site policy and a search policy, found ${policies.length}`);
  process.exit(1);
}

const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".xml": "application/xml" };
function serve() {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const policy = /^\/(cerca|pagefind)\//.test(p) ? searchPolicy : sitePolicy;
    if (p.endsWith("/")) p += "index.html";
    const file = path.join(siteDir, path.normalize(p));
    const found = file.startsWith(siteDir) && fs.existsSync(file) && fs.statSync(file).isFile();
    res.writeHead(found ? 200 : 404, {
      "Content-Type": found ? TYPES[path.extname(file)] || "application/octet-stream" : TYPES[".html"],
      "Content-Security-Policy": policy,
    });
    res.end(fs.readFileSync(found ? file : path.join(siteDir, "404.html")));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

function htmlPages(dir, base = "") {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? htmlPages(path.join(dir, e.name), `${base}${e.name}/`)
      : e.name === "index.html" ? [`/${base}`] : []);
}

function watch(page, where) {
  // A failed load is reported by the response listener with its address;
  // the console's copy has none (and covers the browser's own favicon request).
  page.on("console", (m) => { if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) fail(where, `console: ${m.text()}`); });
  page.on("pageerror", (e) => fail(where, `script error: ${e.message}`));
}

// Types `query` into the search field (cleared first) and waits for the
// status to announce the results of that query.
async function search(page, query) {
  const box = page.locator("#q");
  await box.focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(query);
  try {
    await page.waitForFunction((q) => document.getElementById("cerca-stato").textContent.includes(`«${q}»`), query, { timeout: 15000 });
  } catch (e) {
    fail(`/cerca/ "${query}"`, `no result count announced (status: "${await page.locator("#cerca-stato").textContent()}")`);
    return [];
  }
  return page.$$eval("#cerca-risultati a", (as) => as.map((a) => new URL(a.href).pathname));
}

async function main() {
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    watch(page, "/cerca/");
    page.on("requestfailed", (r) => fail("/cerca/", `request failed: ${r.url()} (${r.failure() && r.failure().errorText})`));
    page.on("response", (r) => { if (r.status() >= 400) fail("/cerca/", `${r.status()} for ${r.url()}`); });
    await page.goto(`${origin}/cerca/`);
    if (await page.locator("#cerca-senza-js").isVisible()) fail("/cerca/", "the no-JavaScript notice is shown although the script runs");
    const expectations = [
      ["tirocinio", "/servizi/work-experience-e-tirocini-inclusivi/"],
      ["Piazza al Serchio", "/comuni/piazza-al-serchio/"],
      // Italian stemming: neither word is written so on the site, which
      // says "percorsi formativi".
      ["percorso formativo", "/servizi/percorsi-formativi/"],
      // Accents are optional: "poverta" finds "povertà".
      ["poverta", "/programma/"],
    ];
    for (const [query, expected] of expectations) {
      const found = await search(page, query);
      if (!found.includes(expected)) fail(`/cerca/ "${query}"`, `${expected} not among the results: ${found.join(", ")}`);
      const status = await page.locator("#cerca-stato").textContent();
      if (!/\d+ risultat[oi]/.test(status)) fail(`/cerca/ "${query}"`, `status does not say how many results: "${status}"`);
    }
    // Every result can be reached: ten at a time, then "Mostra altri
    // risultati" adds the next ones and moves the focus to the first added.
    {
      const found = await search(page, "tirocinio");
      const total = Number(((await page.locator("#cerca-stato").textContent()).match(/^(\d+) risultati/) || [])[1]);
      if (!(total > 10)) fail(`/cerca/ "tirocinio"`, `expected more than 10 results, status says ${total}`);
      else {
        if (found.length !== 10) fail(`/cerca/ "tirocinio"`, `${found.length} results listed first, not 10`);
        let listed = found.length;
        for (let i = 0; i < 5 && listed < total; i++) {
          if (!(await page.locator("#cerca-altri").isVisible())) { fail("/cerca/", `no "Mostra altri risultati" with ${listed} of ${total} shown`); break; }
          await page.locator("#cerca-altri").focus();
          await page.keyboard.press("Enter");
          await page.waitForFunction((n) => document.querySelectorAll("#cerca-risultati a").length > n, listed, { timeout: 10000 }).catch(() => {});
          const now = await page.$$eval("#cerca-risultati a", (as) => as.length);
          const focus = await page.evaluate((n) => document.activeElement === document.querySelectorAll("#cerca-risultati a")[n], listed);
          if (!focus) fail("/cerca/", "after \"Mostra altri risultati\" the focus is not on the first result added");
          if (now <= listed) { fail("/cerca/", `"Mostra altri risultati" adds nothing (${listed} of ${total})`); break; }
          listed = now;
        }
        if (listed !== total) fail("/cerca/", `${listed} of ${total} results reachable`);
        if (await page.locator("#cerca-altri").isVisible()) fail("/cerca/", `"Mostra altri risultati" still shown with all ${total} results listed`);
        const status = await page.locator("#cerca-stato").textContent();
        if (status !== `${total} risultati per «tirocinio».`) fail("/cerca/", `status once all are shown: "${status}"`);
      }
    }
    // A typo finds nothing rather than pages that share its first letters.
    {
      const found = await search(page, "tirocigno");
      const status = await page.locator("#cerca-stato").textContent();
      if (found.length || !status.startsWith("Nessun risultato per «tirocigno»")) fail(`/cerca/ "tirocigno"`, `unrelated results: ${found.join(", ")} (status: "${status}")`);
      await search(page, "tirocinio");
    }
    const live = await page.getAttribute("#cerca-stato", "aria-live");
    if (live !== "polite") fail("/cerca/", `the status has aria-live="${live}"`);
    // Keyboard only: from the field, Tab passes the section filter and the
    // button and reaches the first result, with a visible focus ring.
    await page.locator("#q").focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const a = document.activeElement;
      const s = getComputedStyle(a);
      return { inResults: !!a.closest("#cerca-risultati"), tag: a.tagName, outline: s.outlineStyle, width: s.outlineWidth };
    });
    if (!focused.inResults || focused.tag !== "A") fail("/cerca/", `Tab from the field does not reach the first result: ${JSON.stringify(focused)}`);
    else if (focused.outline === "none" || focused.width === "0px") fail("/cerca/", "the focused result has no visible focus ring");
    // The section filter narrows the results.
    await page.selectOption("#sezione", { label: "I Comuni" });
    const comuni = await search(page, "tirocinio");
    if (comuni.some((u) => !u.startsWith("/comuni/"))) fail("/cerca/ sezione", `results outside the section: ${comuni.join(", ")}`);
    // A query in the address (the header's form, a shared link) runs at once.
    await page.goto(`${origin}/cerca/?q=tirocinio`);
    await page.waitForFunction(() => document.querySelectorAll("#cerca-risultati a").length > 0, null, { timeout: 15000 }).catch(() => fail("/cerca/?q=tirocinio", "no results for a query in the address"));
    await page.close();

    // Without JavaScript the page lists the sections and their pages, as
    // links to pages (no XML).
    {
      const noJs = await browser.newContext({ javaScriptEnabled: false });
      const p = await noJs.newPage();
      await p.goto(`${origin}/cerca/?q=tirocinio`);
      const links = await p.$$eval("#cerca-senza-js a", (as) => as.map((a) => new URL(a.href).pathname));
      if (!(await p.locator("#cerca-senza-js").isVisible())) fail("/cerca/ (no script)", "the notice is hidden");
      if (links.some((l) => !l.endsWith("/"))) fail("/cerca/ (no script)", `links to files, not pages: ${links.filter((l) => !l.endsWith("/")).join(", ")}`);
      for (const l of ["/comuni/", "/comuni/barga/", "/servizi/work-experience-e-tirocini-inclusivi/"]) {
        if (!links.includes(l)) fail("/cerca/ (no script)", `no link to ${l}`);
      }
      await noJs.close();
    }

    // Every other page loads nothing of the search.
    for (const url of htmlPages(siteDir).filter((u) => u !== "/cerca/")) {
      const other = await context.newPage();
      const requested = [];
      other.on("request", (r) => requested.push(new URL(r.url()).pathname));
      await other.goto(`${origin}${url}`, { waitUntil: "load" });
      const search = requested.filter((p) => p.startsWith("/pagefind/") || /\/cerca\.[0-9a-f.]*js$/.test(p));
      if (search.length) fail(url, `loads the search: ${search.join(", ")}`);
      await other.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  if (problems.length) {
    console.error(problems.join("\n"));
    process.exit(1);
  }
  console.log("search: ok");
}

main().catch((e) => { console.error(e); process.exit(1); });
