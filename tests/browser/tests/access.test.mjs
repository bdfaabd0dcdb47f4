// The banner for every visitor: by keyboard alone, without JavaScript, checked by axe-core,
// in Dutch and English on desktop and phone, and within its size budget.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { artifact, eventually, launch, optionalCookies, startGateway, visitor } from "../support.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const BUDGET = 6 * 1024;

async function axe(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    window.axe.run("#consentry", { resultTypes: ["violations"] }),
  );
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(" ")})`);
}

const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return {
      inBanner: !!el.closest("#consentry"),
      tag: el.tagName,
      text: (el.tagName === "INPUT" ? el.name : el.textContent || "").trim().slice(0, 40),
    };
  });

describe("access", () => {
  let gateway, browser;
  before(async () => {
    gateway = await startGateway();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it("the whole flow by keyboard alone", async () => {
    const v = await visitor(browser, gateway.url);
    const { page } = v;
    await page.goto(gateway.url + "/", { waitUntil: "networkidle" });
    // Focus is moved into the dialog, which names itself.
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute("role")), "dialog");
    assert.equal((await focused(page)).inBanner, true);
    // Tab reaches the privacy link, then Settings.
    await page.keyboard.press("Tab");
    assert.equal((await focused(page)).tag, "A");
    await page.keyboard.press("Tab");
    assert.deepEqual(await focused(page), { inBanner: true, tag: "SUMMARY", text: "Settings" });
    await page.keyboard.press("Enter");
    assert.equal(await page.locator("#consentry .cy-set").getAttribute("open"), "");
    // Escape closes the settings and keeps focus on their control.
    await page.keyboard.press("Escape");
    assert.equal(await page.locator("#consentry .cy-set").getAttribute("open"), null);
    assert.equal((await focused(page)).text, "Settings");
    await page.keyboard.press("Enter");
    // Through the switches: necessary is skipped (always on), then preferences, statistics.
    await page.keyboard.press("Tab");
    const first = await focused(page);
    if (first.tag === "SUMMARY") await page.keyboard.press("Tab");
    let guard = 0;
    while ((await focused(page)).text !== "analytics" && guard++ < 10) await page.keyboard.press("Tab");
    assert.equal((await focused(page)).text, "analytics");
    await page.keyboard.press("Space");
    guard = 0;
    while ((await focused(page)).text !== "Save choices" && guard++ < 12) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await eventually(() => page.evaluate(() => window.__statsLoaded), 5000, "statistics to run");
    // Focus lands on the new Cookie settings control, and the choice is announced.
    assert.deepEqual(await focused(page), { inBanner: true, tag: "SUMMARY", text: "Cookie settings" });
    assert.equal(await page.locator("#consentry .cy-live").textContent(), "Your choice has been saved.");
    const names = await optionalCookies(v.context);
    assert.ok(names.includes("_ga") && !names.includes("_fbp"), String(names));
    // Reopen by keyboard and withdraw with Reject all.
    await page.keyboard.press("Enter");
    guard = 0;
    while ((await focused(page)).text !== "Reject all" && guard++ < 20) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await eventually(async () => !(await optionalCookies(v.context)).includes("_ga"), 5000, "_ga gone");
    assert.equal(await page.locator("details#consentry").getAttribute("data-granted"), "");
    await v.context.close();
  });

  it("the whole flow without JavaScript", async () => {
    const v = await visitor(browser, gateway.url, { javaScriptEnabled: false });
    const { page } = v;
    await page.goto(gateway.url + "/shop.html");
    await page.locator("#consentry .cy-set > summary").click();
    await page.getByRole("checkbox", { name: "Statistics" }).check();
    await Promise.all([page.waitForURL(gateway.url + "/shop.html"), page.getByRole("button", { name: "Save choices" }).click()]);
    assert.deepEqual(v.external, [], "nothing before the choice");
    // The page comes back (303) in its new state: statistics switched on by the gateway.
    assert.equal(await page.locator("details#consentry.consentry-manage").count(), 1);
    assert.equal(await page.locator("details#consentry").getAttribute("data-granted"), "analytics");
    const html = await page.content();
    assert.ok(!html.includes('data-consentry="analytics" type="text/plain"'), "statistics scripts switched on");
    assert.ok(html.includes('type="text/plain" data-consentry="marketing"'), "marketing still inert");
    // The footer's Cookie settings link opens the settings by fragment alone.
    await page.locator('footer a[href="#consentry-settings"]').first().click();
    await eventually(() => page.locator("details#consentry").evaluate((d) => d.open), 3000, "settings open");
    await Promise.all([page.waitForURL(/shop\.html/), page.getByRole("button", { name: "Accept all" }).click()]);
    assert.equal(await page.locator("details#consentry").getAttribute("data-granted"), "preferences analytics marketing");
    // Withdraw everything.
    await page.locator("details#consentry > summary").click();
    await Promise.all([page.waitForURL(/shop\.html/), page.getByRole("button", { name: "Reject all" }).click()]);
    assert.equal(await page.locator("details#consentry").getAttribute("data-granted"), "");
    assert.deepEqual(await optionalCookies(v.context), []);
    const seen = v.external.length;
    await page.goto(gateway.url + "/");
    assert.deepEqual(v.external.slice(seen), [], "no tracker after withdrawal");
    await v.context.close();
  });

  it("axe-core finds no violations on the first layer and the settings layer", async () => {
    for (const colorScheme of ["light", "dark"]) {
      const v = await visitor(browser, gateway.url, { colorScheme, reducedMotion: "reduce" });
      await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" });
      assert.deepEqual(await axe(v.page), [], `first layer (${colorScheme})`);
      await v.page.locator("#consentry .cy-set > summary").click();
      await v.page.locator("#consentry .cy-cat details > summary").first().click();
      assert.deepEqual(await axe(v.page), [], `settings layer (${colorScheme})`);
      await v.page.getByRole("button", { name: "Reject all" }).click();
      await v.page.locator("details#consentry > summary").click();
      assert.deepEqual(await axe(v.page), [], `Cookie settings control (${colorScheme})`);
      await v.context.close();
    }
  });

  it("screenshots in Dutch and English, desktop and phone", async () => {
    const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
    for (const [lang, locale, title] of [["nl", "nl-NL", "Cookies op deze site"], ["en", "en-GB", "Cookies on this site"]]) {
      for (const [size, viewport] of Object.entries(sizes)) {
        const v = await visitor(browser, gateway.url, {
          locale,
          viewport,
          isMobile: size === "phone",
          hasTouch: size === "phone",
          deviceScaleFactor: 1,
          reducedMotion: "reduce",
        });
        await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" });
        assert.equal(await v.page.locator("#cy-title").textContent(), title);
        assert.equal(await v.page.locator("#consentry").getAttribute("lang"), lang);
        await v.page.screenshot({ path: artifact(`banner-${lang}-${size}.png`) });
        await v.page.locator("#consentry .cy-box").screenshot({ path: artifact(`banner-${lang}-${size}-box.png`) });
        await v.page.locator("#consentry .cy-set > summary").click();
        await v.page.screenshot({ path: artifact(`banner-${lang}-${size}-settings.png`) });
        await v.context.close();
      }
    }
  });

  it("no layout shift: the page under the banner does not move", async () => {
    const v = await visitor(browser, gateway.url);
    await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" });
    const shift = await v.page.evaluate(
      () =>
        new Promise((ok) => {
          let total = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
          }).observe({ type: "layout-shift", buffered: true });
          setTimeout(() => ok(total), 500);
        }),
    );
    assert.ok(shift < 0.01, `cumulative layout shift ${shift}`);
    await v.context.close();
  });

  it("a first visit downloads at most 6 KB of banner, gzipped", async () => {
    const html = await (await fetch(gateway.url + "/")).text();
    const start = html.indexOf('<div id="consentry"');
    const end = html.lastIndexOf("</div>") + "</div>".length;
    assert.ok(start > 0 && end > start);
    const banner = html.slice(start, end);
    const css = banner.match(/href="(\/__consentry\/banner\.[0-9a-f]+\.css)"/)[1];
    const js = banner.match(/src="(\/__consentry\/banner\.[0-9a-f]+\.js)"/)[1];
    const parts = { html: banner };
    for (const [name, path] of [["css", css], ["js", js]]) {
      const res = await fetch(gateway.url + path);
      assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
      parts[name] = await res.text();
    }
    const sizes = Object.fromEntries(
      Object.entries(parts).map(([k, v]) => [k, { raw: Buffer.byteLength(v), gzip: gzipSync(v, { level: 9 }).length }]),
    );
    const total = sizes.html.gzip + sizes.css.gzip + sizes.js.gzip;
    writeFileSync(artifact("banner-size.json"), JSON.stringify({ ...sizes, total_gzip: total }, null, 2) + "\n");
    assert.ok(total <= BUDGET, `banner is ${total} bytes gzipped: ${JSON.stringify(sizes)}`);
  });
});
