// The web editor in a real browser (Debian's Chromium, driven by
// playwright-core from tests/node, installed by scripts/test-deps). Run by
// tests/cms.rs, which starts `ambito serve --admin` on a copy of the site:
//   node tests/cms.js edit|refuse ORIGIN SITE_ROOT
// edit:   creates a news item and changes a comune's population, saving
//         each in the editor; waits for the files and for the live
//         preview of the comune to show the new number.
// refuse: tries two saves ambito must not let through (a required field
//         left empty, a link to a page that does not exist) and checks
//         that each is refused, in Italian, with the file left as it was.
// Prints what it did (with timings) and every problem; exits 1 on any.
"use strict";
const fs = require("fs");
const path = require("path");
const { launch, waitFor } = require("./browser.js");

const [mode, origin, root] = process.argv.slice(2);
const problems = [];
const fail = (what) => problems.push(what);
const external = [];
const t0 = Date.now();
const step = (what) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);

const read = (rel) => {
  try {
    return fs.readFileSync(path.join(root, rel), "utf8");
  } catch {
    return null;
  }
};

async function openEditor(browser) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("blob:") && !r.url().startsWith("data:")) {
      external.push(r.url());
    }
  });
  // Decap reports a refused save as an unhandled rejection too: an error
  // only while every save should succeed.
  page.on("pageerror", (e) => (mode === "edit" ? fail : console.log)(`page error: ${e.message}`));
  // Leaving an entry with unsaved changes asks first: yes.
  page.on("dialog", (d) => d.accept().catch(() => {}));
  await page.goto(`${origin}/admin/`);
  await page.getByRole("button", { name: "Accedi" }).click();
  await page.getByText("Comuni", { exact: true }).first().waitFor();
  step("editor open");
  return page;
}

/// Opens the editor at `route` (`collections/comuni/entries/barga`) in a
/// fresh load: Decap keeps an entry's state across changes of route.
async function go(page, route) {
  await page.goto(`${origin}/admin/#/${route}`);
  await page.reload();
  const login = page.getByRole("button", { name: "Accedi" });
  const title = field(page, "Titolo");
  await Promise.race([login.waitFor().then(() => login.click()), title.waitFor()]);
  await title.waitFor();
  step(`at ${route}`);
}

/// Decap's "Pubblica" then "Pubblica ora" (simple publishing: a save).
async function publish(page) {
  step("publish");
  await page.getByRole("button", { name: "Pubblica" }).first().click();
  await page.getByText("Pubblica ora", { exact: true }).click();
}

/// A field of the editor by its label (Decap adds "(opzionale)").
const field = (page, label) => page.getByLabel(label, { exact: true });

async function edit(browser) {
  const page = await openEditor(browser);

  // 1. A new news item.
  await go(page, "collections/notizie/new");
  await field(page, "Titolo").fill("Nuove regole per i tirocini inclusivi");
  await field(page, "Descrizione (opzionale)").fill("Le regole aggiornate dei tirocini per i Comuni della valle.");
  await field(page, "Data").fill("2026-11-30");
  await field(page, "Argomenti (opzionale)").fill("Scadenze");
  await field(page, "Decreto data").fill("2026-11-20");
  await field(page, "Decreto numero").fill("42");
  // The project: a choice among the pages of `progetti`.
  await field(page, "Progetto").click();
  await page.keyboard.type("AV1-113");
  await page.getByText("Progetto AV1-113", { exact: true }).last().click();
  const body = page.locator("[data-slate-editor]").first();
  await body.click();
  await page.keyboard.type("Il testo della notizia, scritto nell’editor.");
  await publish(page);
  const news = "content/notizie/nuove-regole-per-i-tirocini-inclusivi.md";
  await waitFor(`${news} on disk`, () => read(news));
  console.log(`created ${news}`);

  // 2. A comune's population, watched in the live preview.
  const preview = await browser.newPage();
  await preview.goto(`${origin}/comuni/barga/`);
  const before = await preview.textContent("body");
  if (!before.includes("10.125 abitanti")) fail("the preview of Barga does not show 10.125 abitanti before the edit");
  await go(page, "collections/comuni/entries/barga");
  const population = field(page, "Popolazione 2011");
  await population.waitFor();
  await population.fill("10200");
  await page.waitForTimeout(300);
  const saved = Date.now();
  await publish(page);
  await waitFor("barga.md with 10200", () => (read("content/comuni/barga.md") || "").includes("popolazione_2011: 10200"));
  const written = Date.now();
  await waitFor(
    "the live preview to show 10.200 abitanti",
    async () => {
      try {
        return (await preview.textContent("body")).includes("10.200 abitanti");
      } catch {
        return false; // the page is reloading
      }
    },
  );
  console.log(`barga: save clicked → file written ${written - saved} ms → preview refreshed ${Date.now() - saved} ms`);
}

async function refuse(browser) {
  const page = await openEditor(browser);
  const file = "content/comuni/gallicano.md";
  const original = read(file);

  // 1. A required field left empty: the editor itself refuses.
  await go(page, "collections/comuni/entries/gallicano");
  const population = field(page, "Popolazione 2011");
  await population.waitFor();
  await population.fill("");
  await page.waitForTimeout(300);
  await publish(page);
  await page.getByText(/è richiesto|obbligatori/i).first().waitFor({ timeout: 10000 }).then(
    () => console.log("empty required field: refused by the editor"),
    () => fail("an empty required field was not reported"),
  );
  await page.waitForTimeout(1000);
  if (read(file) !== original) fail(`${file} changed although the save was refused`);

  // 2. A link to a page that does not exist: only ambito can tell, and
  // the local backend refuses the save with ambito's message.
  await go(page, "collections/comuni/entries/gallicano");
  await field(page, "Popolazione 2011").waitFor();
  await field(page, "Popolazione 2011").fill("8300");
  // A link written in Markdown, as the README teaches: the body's
  // "Markdown" switch, then the link at the end of the text.
  const markdownField = page.locator("[aria-label='markdown field']").first();
  await markdownField.locator("button[role=switch]").click();
  const raw = markdownField.locator("[contenteditable=true], textarea").first();
  await raw.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n\nVedi anche [Fornaci](@/comuni/fornaci-di-barga.md).");
  await page.waitForTimeout(300);
  await publish(page);
  const toast = page.getByText(/salvataggio rifiutato/).first();
  await toast.waitFor({ timeout: 15000 }).then(
    async () => {
      const shown = await toast.textContent();
      console.log(`link to a missing page: refused, the editor shows: ${shown}`);
      if (!shown.includes("fornaci-di-barga")) fail(`the refusal does not name the link: ${shown}`);
    },
    () => fail("a link to a missing page was not refused"),
  );
  await page.waitForTimeout(1000);
  if (read(file) !== original) fail(`${file} changed although the save was refused`);
}

(async () => {
  const browser = await launch();
  try {
    if (mode === "edit") await edit(browser);
    else if (mode === "refuse") await refuse(browser);
    else fail(`unknown mode ${mode}`);
  } catch (e) {
    fail(e.stack || String(e));
    const pages = browser.contexts().flatMap((c) => c.pages());
    if (pages.length) await pages[0].screenshot({ path: path.join(root, "..", `cms-${mode}-failure.png`) }).catch(() => {});
  } finally {
    await browser.close();
  }
  for (const url of external) fail(`the editor fetched something from outside: ${url}`);
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  process.exit(problems.length ? 1 : 0);
})();
