// Runs Lighthouse (npm, pinned in package-lock.json) on a list of pages, one after the other,
// in one headless Chromium: tests/browser/test_lighthouse.py calls it. Reads
// {"form_factor": "mobile" | "desktop", "report_dir", "pages": [{"name", "url", "skip_audits"}]}
// as JSON on stdin; writes one JSON line per page on stdout: its name, its four scores, its
// metrics, the audits that failed and the opportunities flagged; and each page's whole report
// into report_dir (when given) as <name>.report.json.
// The browser is $CHROME_PATH (Debian's /usr/bin/chromium), started with --no-sandbox
// because tests may run as root in containers.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import * as chromeLauncher from "chrome-launcher";

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const METRICS = [
  "first-contentful-paint",
  "largest-contentful-paint",
  "total-blocking-time",
  "cumulative-layout-shift",
  "speed-index",
];

// An audit's first few items, each named by what it is about (a URL, an element, a label).
function itemsOf(found) {
  return (found.details?.items ?? []).slice(0, 5).map((item) => {
    const what = item.url ?? item.node?.snippet ?? item.source?.url ?? item.label;
    const size = item.displayedSize ? ` shown ${item.displayedSize}, is ${item.actualSize}, wants ${item.expectedSize}` : "";
    return what ? `${what}${size}` : JSON.stringify(item).slice(0, 160);
  });
}

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
    // failure, not the page's ("Please run Lighthouse again"): up to two more tries.
    let result = await audit(page);
    for (let retry = 0; retry < 2 && result.lhr.runtimeError; retry += 1) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      result = await audit(page);
    }
    const { lhr } = result;
    if (request.report_dir) {
      // The whole report, for the details behind a score (open it in the Lighthouse viewer).
      const file = page.name.replace(/[^A-Za-z0-9]+/g, "-").replace(/-$/, "");
      await writeFile(join(request.report_dir, `${file}.report.json`), result.report);
    }
    const scores = Object.fromEntries(
      CATEGORIES.map((id) => [id, Math.round((lhr.categories[id]?.score ?? 0) * 100)]),
    );
    const failed = [];
    for (const id of CATEGORIES) {
      for (const ref of lhr.categories[id]?.auditRefs ?? []) {
        const found = lhr.audits[ref.id];
        if (ref.weight > 0 && found.score !== null && found.score < 0.9) {
          failed.push({
            category: id,
            id: ref.id,
            score: found.score,
            value: found.displayValue ?? "",
            items: itemsOf(found),
          });
        }
      }
    }
    // What to look at when performance falls short: the metrics, and the opportunities and
    // diagnostics (weight 0, so not in `failed`) that Lighthouse flags, with their items.
    const metrics = Object.fromEntries(
      METRICS.map((id) => [id, lhr.audits[id]?.displayValue ?? ""]),
    );
    const flagged = [];
    for (const ref of lhr.categories.performance?.auditRefs ?? []) {
      const found = lhr.audits[ref.id];
      if (ref.weight === 0 && found.score !== null && found.score < 0.9) {
        flagged.push({ id: ref.id, score: found.score, value: found.displayValue ?? "", items: itemsOf(found) });
      }
    }
    const runtimeError = lhr.runtimeError ? lhr.runtimeError.message : "";
    process.stdout.write(
      JSON.stringify({ name: page.name, url: page.url, scores, metrics, failed, flagged, runtimeError, seconds: (Date.now() - started) / 1000 }) + "\n",
    );
  }
} finally {
  await chrome.kill();
}
