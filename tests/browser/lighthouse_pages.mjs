// Runs Lighthouse (npm, pinned in package-lock.json) on a list of pages, one after the other,
// in one headless Chromium: tests/browser/test_lighthouse.py calls it. Reads
// {"form_factor": "mobile" | "desktop", "pages": [{"name", "url"}]} as JSON on stdin; writes
// one JSON line per page on stdout: its name, its four scores, and the audits that failed.
// The browser is $CHROME_PATH (Debian's /usr/bin/chromium), started with --no-sandbox
// because tests may run as root in containers.
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import * as chromeLauncher from "chrome-launcher";

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

const request = await readStdin();
const config = request.form_factor === "desktop" ? desktopConfig : undefined;
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage"],
});
function audit(page) {
  return lighthouse(
    page.url,
    {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: CATEGORIES,
      skipAudits: page.skip_audits ?? [],
    },
    config,
  );
}

try {
  for (const page of request.pages) {
    const started = Date.now();
    // A trace Lighthouse could not record (NO_NAVSTART, NO_FCP on a busy machine) is its own
    // failure, not the page's: one more try.
    let result = await audit(page);
    if (result.lhr.runtimeError) result = await audit(page);
    const { lhr } = result;
    const scores = Object.fromEntries(
      CATEGORIES.map((id) => [id, Math.round((lhr.categories[id]?.score ?? 0) * 100)]),
    );
    const failed = [];
    for (const id of CATEGORIES) {
      for (const ref of lhr.categories[id]?.auditRefs ?? []) {
        const found = lhr.audits[ref.id];
        if (ref.weight > 0 && found.score !== null && found.score < 0.9) {
          failed.push({ category: id, id: ref.id, score: found.score, value: found.displayValue ?? "" });
        }
      }
    }
    const runtimeError = lhr.runtimeError ? lhr.runtimeError.message : "";
    process.stdout.write(
      JSON.stringify({ name: page.name, url: page.url, scores, failed, runtimeError, seconds: (Date.now() - started) / 1000 }) + "\n",
    );
  }
} finally {
  await chrome.kill();
}
