// What the browser tests (a11y.js, cms.js, preview.js, search.js) share:
// Debian's Chromium, driven by playwright-core from tests/node (both from
// scripts/test-deps), started as this machine needs it (no sandbox as
// root; no background connections, which a closed network refuses), and
// a wait for a condition that polls.
"use strict";
const { chromium } = require("playwright-core");

exports.launch = () =>
  chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });

// Resolves with the first truthy value of `test()` (tried every 50 ms; an
// exception counts as not yet), or rejects after `ms`.
exports.waitFor = async function waitFor(what, test, ms = 20000) {
  const start = Date.now();
  for (;;) {
    const value = await Promise.resolve().then(test).catch(() => null);
    if (value) return value;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
