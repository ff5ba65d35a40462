// The preview's search page in a real browser (Debian's Chromium, driven by
// playwright-core from tests/node, installed by scripts/test-deps). Run by
// tests/preview.rs, which starts `ambito serve` on a copy of the real site:
//   node tests/preview.js ORIGIN SITE_ROOT
// 1. While the preview says the index is behind (`/__ambito/indice`, here
//    answered for the browser), the search page shows an Italian notice in
//    a status region at the top of its main content.
// 2. For real: /cerca/?q=zafferano finds nothing; the script saves
//    content/comuni/barga.md with that word, as an editor does; the page,
//    never reloaded by hand, then lists Barga (the preview reloaded it, and
//    the index caught up in the background).
// Prints what it did (with timings) and every problem; exits 1 on any.
"use strict";
const fs = require("fs");
const path = require("path");
const { launch, waitFor } = require("./browser.js");

const [origin, root] = process.argv.slice(2);
const problems = [];
const fail = (what) => problems.push(what);
const t0 = Date.now();
const step = (what) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);

const resultLinks = (page) =>
  page.$$eval("#cerca-risultati a", (links) => links.map((a) => a.getAttribute("href")));

async function notice(browser) {
  const page = await browser.newPage();
  await page.route("**/__ambito/indice", (route) =>
    route.fulfill({
      contentType: "application/json",
      body: JSON.stringify({ indietro: true, inclusi: 0, errore: null }),
    }),
  );
  await page.goto(`${origin}/cerca/`);
  const shown = await waitFor("the notice", () =>
    page.$eval("main #ambito-indice[role=status]", (p) => p.textContent),
  );
  if (!/L'indice della ricerca si sta aggiornando/.test(shown)) fail(`notice: ${shown}`);
  const first = await page.$eval("main", (m) => m.firstElementChild && m.firstElementChild.id);
  if (first !== "ambito-indice") fail(`the notice is not first in main: ${first}`);
  step(`notice shown: ${shown}`);
  // Not on other pages.
  await page.goto(`${origin}/comuni/barga/`);
  await page.waitForLoadState("load");
  if (await page.$("#ambito-indice")) fail("the notice is on a page that is not the search page");
  await page.close();
}

async function searchFindsTheEdit(browser) {
  const page = await browser.newPage();
  await page.goto(`${origin}/cerca/?q=zafferano`);
  await waitFor("the first search", () =>
    page.$eval("#cerca-stato", (p) => p.textContent.trim().length > 0),
  );
  const before = await resultLinks(page);
  if (before.some((h) => h.includes("/comuni/barga/"))) fail(`found before the edit: ${before}`);
  step(`before the edit: ${before.length} results`);
  let reloads = 0;
  page.on("load", () => reloads++);
  const file = path.join(root, "content/comuni/barga.md");
  const text = fs.readFileSync(file, "utf8");
  const tmp = `${file}.tmp-salvataggio`;
  fs.writeFileSync(tmp, `${text}\nIn valle si coltiva lo zafferano.\n`);
  fs.renameSync(tmp, file);
  const saved = Date.now();
  const after = await waitFor("Barga among the results", async () => {
    const links = await resultLinks(page);
    return links.some((h) => h.includes("/comuni/barga/")) && links;
  });
  step(`found after the edit in ${Date.now() - saved} ms, ${reloads} reload(s): ${after}`);
  if (reloads < 1) fail("the page was not reloaded by the preview");
  await page.close();
}

(async () => {
  const browser = await launch();
  try {
    await notice(browser);
    await searchFindsTheEdit(browser);
  } catch (e) {
    fail(e.stack || String(e));
  } finally {
    await browser.close();
  }
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  process.exit(problems.length ? 1 : 0);
})();
