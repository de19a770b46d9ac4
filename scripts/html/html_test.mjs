// Opens a page written by `pybc --format html` in headless Chromium and
// checks what a reader does with it:
//
//   node html_test.mjs PAGE.html LINE EXPECTED.json SCREENSHOT.png [--update]
//
// - clicking source line LINE highlights exactly the instructions that
//   EXPECTED.json (`pybc --format json` of the same file) gives that line,
//   in every code object;
// - clicking one of those instructions highlights source line LINE;
// - a jump argument is a link to its target instruction;
// - nested code objects are <details> that fold;
// - the page loads nothing from the network;
// - a screenshot after the click matches SCREENSHOT.png within a tolerance
//   (--update, or a missing file, writes it instead).

import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [pagePath, lineArg, expectedPath, shotPath, flag] = process.argv.slice(2);
if (!shotPath) {
  console.error("usage: node html_test.mjs PAGE.html LINE EXPECTED.json SCREENSHOT.png [--update]");
  process.exit(2);
}
const line = Number(lineArg);
const update = flag === "--update" || !existsSync(shotPath);

let failures = 0;
let passes = 0;
function check(ok, what) {
  if (ok) {
    passes += 1;
    console.log(`ok - ${what}`);
  } else {
    failures += 1;
    console.log(`not ok - ${what}`);
  }
}

// Opnames of the instructions on `line`, per code object, in page order.
function expectedOpnames(doc) {
  const out = [];
  const walk = (code) => {
    for (const i of code.instructions) {
      if (i.line === line) out.push(i.opname);
    }
    for (const child of code.children || []) walk(child);
  };
  walk(doc.code);
  return out;
}

const expected = expectedOpnames(JSON.parse(readFileSync(expectedPath, "utf8")));
const userDataDir = mkdtempSync(join(tmpdir(), "pybc-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1200, height: 700 },
  deviceScaleFactor: 1,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--font-render-hinting=none",
  ],
});
try {
  const page = context.pages()[0] || (await context.newPage());
  const requests = [];
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) requests.push(r.url());
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(resolve(pagePath)).href);

  check(expected.length > 0, `line ${line} has instructions in the JSON output (${expected.length})`);
  await page.click(`#L${line}`);
  const pinned = await page.$$eval("tr.ins.pin", (rows) =>
    rows.map((r) => r.querySelector("td.op").textContent),
  );
  check(
    JSON.stringify(pinned) === JSON.stringify(expected),
    `clicking source line ${line} highlights ${JSON.stringify(expected)} (got ${JSON.stringify(pinned)})`,
  );
  const others = await page.$$eval(".src.pin", (els) => els.map((e) => e.id));
  check(JSON.stringify(others) === JSON.stringify([`L${line}`]), `only source line ${line} is highlighted`);

  if (update) {
    await page.mouse.move(0, 0);
    writeFileSync(shotPath, await page.screenshot());
    console.log(`wrote ${shotPath}`);
  } else {
    await page.mouse.move(0, 0);
    const actual = (await page.screenshot()).toString("base64");
    const reference = readFileSync(shotPath).toString("base64");
    const diff = await page.evaluate(
      async ([a, b]) => {
        const load = (data) =>
          new Promise((ok, fail) => {
            const img = new Image();
            img.onload = () => ok(img);
            img.onerror = fail;
            img.src = "data:image/png;base64," + data;
          });
        const [x, y] = await Promise.all([load(a), load(b)]);
        if (x.width !== y.width || x.height !== y.height) return { size: false, ratio: 1 };
        const pixels = (img) => {
          const c = document.createElement("canvas");
          c.width = img.width;
          c.height = img.height;
          const g = c.getContext("2d");
          g.drawImage(img, 0, 0);
          return g.getImageData(0, 0, img.width, img.height).data;
        };
        const p = pixels(x);
        const q = pixels(y);
        let differing = 0;
        for (let i = 0; i < p.length; i += 4) {
          const d = Math.max(
            Math.abs(p[i] - q[i]),
            Math.abs(p[i + 1] - q[i + 1]),
            Math.abs(p[i + 2] - q[i + 2]),
          );
          if (d > 48) differing += 1;
        }
        return { size: true, ratio: differing / (p.length / 4) };
      },
      [actual, reference],
    );
    check(
      diff.size && diff.ratio < 0.02,
      `screenshot matches ${shotPath} (${(diff.ratio * 100).toFixed(2)}% of pixels differ, 2% allowed)`,
    );
    if (!(diff.size && diff.ratio < 0.02)) {
      writeFileSync(shotPath.replace(/\.png$/, ".actual.png"), Buffer.from(actual, "base64"));
    }
  }

  // And back: clicking an instruction highlights its source line.
  await page.click(`#L${line}`); // unpin
  const row = page.locator(`tr.ins[data-line="${line}"]`).first();
  await row.locator("td.op").click();
  const back = await page.$$eval(".src.pin", (els) => els.map((e) => e.id));
  check(JSON.stringify(back) === JSON.stringify([`L${line}`]), `clicking an instruction highlights source line ${line}`);

  // Hovering highlights without pinning.
  await page.hover(`#L${line}`);
  const hovered = await page.$$eval("tr.ins.hl", (rows) => rows.length);
  check(hovered === expected.length, `hovering source line ${line} highlights its ${expected.length} instructions`);

  // Jumps are links to their target instruction.
  const jump = page.locator("td.rep a[href*='-o']").first();
  const href = await jump.getAttribute("href");
  await jump.click();
  const hash = await page.evaluate(() => location.hash);
  const target = await page.$(href);
  check(hash === href && target !== null, `a jump argument links to its target (${href})`);

  // Nested code objects fold.
  const nested = page.locator("details details > summary").first();
  await nested.click();
  const open = await page.$eval("details details", (d) => d.open);
  check(open === false, "a nested code object folds when its summary is clicked");

  check(requests.length === 0, `no network requests (${requests.join(", ")})`);
  check(errors.length === 0, `no script errors (${errors.join("; ")})`);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
