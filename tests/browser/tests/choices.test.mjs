// What a visitor's choice does in the browser: nothing before it, everything after "Accept
// all" without a reload, nothing ever after "Reject all", only the chosen category, and a
// withdrawal that clears what was set.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { countLoads, eventually, launch, optionalCookies, startGateway, visitor } from "../support.mjs";

const TRACKER_HOSTS = /googletagmanager\.com|facebook\.(net|com)|hotjar\.com|youtube\.com/;
const ANALYTICS = /googletagmanager\.com|hotjar\.com/;
const MARKETING = /facebook\.(net|com)|youtube\.com/;

describe("choices", () => {
  let gateway, browser;
  before(async () => {
    gateway = await startGateway();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it("before any choice: no tracker request, no optional cookie", async () => {
    const v = await visitor(browser, gateway.url);
    for (const path of ["/", "/shop.html", "/about.html", "/"]) {
      await v.page.goto(gateway.url + path, { waitUntil: "networkidle" });
    }
    assert.deepEqual(v.external, [], "requests to other hosts before consent");
    assert.deepEqual(await optionalCookies(v.context), []);
    assert.equal(await v.page.locator("#consentry .cy-box[role=dialog]").isVisible(), true);
    assert.equal(await v.page.evaluate(() => window.__statsLoaded), undefined);
    await v.context.close();
  });

  it("Accept all: trackers run and set their cookies, without a reload", async () => {
    const v = await visitor(browser, gateway.url);
    const loads = countLoads(v.page);
    await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" });
    await v.page.evaluate(() => (window.__samePage = true));
    await v.page.getByRole("button", { name: "Accept all" }).click();
    await eventually(() => v.external.some((u) => /fbevents\.js/.test(u)), 5000, "the Meta pixel");
    const wanted = ["_ga", "_gid", "_gat", "_fbp", "_ga_NWC0FFEE1", "_hjSessionUser_1234567"];
    const has = async () => {
      const names = await optionalCookies(v.context);
      return wanted.every((n) => names.includes(n));
    };
    await eventually(has, 5000, `cookies ${wanted}: ${await optionalCookies(v.context)}`);
    assert.ok(v.external.some((u) => /gtag\/js/.test(u)), "gtag.js requested");
    assert.ok(v.external.some((u) => /gtm\.js/.test(u)), "GTM requested");
    assert.ok(v.external.some((u) => /hotjar/.test(u)), "Hotjar requested");
    assert.ok(v.external.some((u) => /youtube\.com\/embed/.test(u)), "embed loaded");
    assert.equal(await v.page.evaluate(() => window.__samePage), true, "no reload");
    assert.equal(loads.loads, 1);
    const dl = await v.page.evaluate(() =>
      window.dataLayer.map((e) => (e && e.event) || (e && e[0] === "consent" ? `consent:${e[1]}:${e[2].analytics_storage}` : null)),
    );
    assert.ok(dl.includes("consent:default:denied"), JSON.stringify(dl));
    assert.ok(dl.includes("consent:update:granted"), JSON.stringify(dl));
    assert.ok(dl.includes("consentry_consent"), JSON.stringify(dl));
    assert.ok(dl.indexOf("consent:update:granted") < dl.indexOf("gtm.js"), "consent update before GTM starts");
    assert.equal(await v.page.locator("details#consentry.consentry-manage > summary").isVisible(), true);
    await v.context.close();
  });

  it("Reject all: no tracker, ever, across three more page loads", async () => {
    const v = await visitor(browser, gateway.url);
    await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" });
    await v.page.getByRole("button", { name: "Reject all" }).click();
    await v.page.locator("details#consentry.consentry-manage").waitFor();
    for (const path of ["/", "/shop.html", "/"]) {
      await v.page.goto(gateway.url + path, { waitUntil: "networkidle" });
      assert.equal(await v.page.locator("details#consentry.consentry-manage").count(), 1);
    }
    assert.deepEqual(v.external.filter((u) => TRACKER_HOSTS.test(u)), []);
    assert.deepEqual(v.external, []);
    assert.deepEqual(await optionalCookies(v.context), []);
    await v.context.close();
  });

  it("a choice of statistics only runs only statistics", async () => {
    const v = await visitor(browser, gateway.url);
    await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" });
    await v.page.locator("#consentry .cy-set > summary").click();
    await v.page.getByRole("checkbox", { name: "Statistics" }).check();
    await v.page.getByRole("button", { name: "Save choices" }).click();
    await eventually(() => v.page.evaluate(() => window.__statsLoaded), 5000, "the site's statistics script");
    await eventually(() => v.external.some((u) => /gtag\/js/.test(u)), 5000, "gtag.js");
    await v.page.goto(gateway.url + "/shop.html", { waitUntil: "networkidle" });
    assert.deepEqual(v.external.filter((u) => MARKETING.test(u)), []);
    assert.ok(v.external.every((u) => ANALYTICS.test(u)), v.external.join("\n"));
    const names = await optionalCookies(v.context);
    assert.ok(names.includes("_ga") && !names.includes("_fbp"), String(names));
    assert.equal(await v.page.locator("#consentry input[name=analytics]").isChecked(), true);
    assert.equal(await v.page.locator("#consentry input[name=marketing]").isChecked(), false);
    await v.context.close();
  });

  it("withdrawal through Cookie settings clears the statistics cookies", async () => {
    const v = await visitor(browser, gateway.url);
    await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" });
    await v.page.getByRole("button", { name: "Accept all" }).click();
    await eventually(async () => (await optionalCookies(v.context)).includes("_ga"), 5000, "_ga");
    await v.page.goto(gateway.url + "/shop.html", { waitUntil: "networkidle" });
    // The site's own footer link opens the settings.
    await v.page.locator('footer a[href="#consentry-settings"]').first().click();
    const stats = v.page.getByRole("checkbox", { name: "Statistics" });
    await stats.waitFor({ state: "visible" });
    await stats.uncheck();
    await v.page.getByRole("button", { name: "Save choices" }).click();
    await eventually(async () => !(await optionalCookies(v.context)).some((n) => /^_g/.test(n)), 5000, "GA cookies gone");
    const left = await optionalCookies(v.context);
    assert.ok(!left.some((n) => /^(_ga|_gid|_gat|_hj)/.test(n)), String(left));
    const before = v.requests.length;
    await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" });
    const later = v.requests.slice(before);
    assert.ok(later.length > 0);
    for (const req of later) {
      const cookie = (await req.allHeaders()).cookie || "";
      assert.ok(!/(^|;\s*)(_ga|_gid|_gat)/.test(cookie), `${req.url()} carried ${cookie}`);
    }
    const seen = await (await v.page.request.get(gateway.url + "/cookies.txt")).text();
    assert.ok(!/_ga|_gid|_gat/.test(seen), `origin saw ${seen}`);
    await v.context.close();
  });
});
