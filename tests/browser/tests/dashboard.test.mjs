// The dashboard in a real browser: behind a sign-in, every section readable by axe-core with
// no violations, no Content Security Policy complaints, and figures that match the traffic.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import { artifact, eventually, launch, startGateway, visitor } from "../support.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const binary = process.env.CONSENTRY_BIN || new URL("../../../target/debug/consentry", import.meta.url).pathname;
const PASSWORD = "a long passphrase for the owner";
const VISITORS = 14;

async function axe(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(" ")})`);
}

describe("dashboard", () => {
  let gateway, browser;
  before(async () => {
    gateway = await startGateway();
    browser = await launch();
    execFileSync(binary, ["admin", "add", "--user", "owner", "--data-dir", gateway.dataDir], {
      input: PASSWORD + "\n",
    });
    // Fourteen visitors (distinct browsers) read two pages; half of them accept everything.
    for (let n = 0; n < VISITORS; n++) {
      const agent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.${n}.0 Safari/537.36`;
      let cookie = "";
      if (n % 2 === 0) {
        const answer = await fetch(gateway.url + "/__consentry/consent", {
          method: "POST",
          headers: { "content-type": "application/json", "user-agent": agent, origin: gateway.url },
          body: JSON.stringify({ action: "accept_all" }),
        });
        assert.equal(answer.status, 200);
        cookie = answer.headers.getSetCookie().find((c) => c.startsWith("consentry=")).split(";")[0];
      }
      for (const path of ["/", "/about.html"]) {
        const page = await fetch(gateway.url + path, { headers: { "user-agent": agent, cookie } });
        assert.equal(page.status, 200, path);
        await page.text();
      }
    }
  });
  after(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it("signs in, shows the figures, and every page passes axe with no CSP complaint", async () => {
    const v = await visitor(browser, gateway.url);
    const { page } = v;
    await page.goto(gateway.url + "/__consentry/admin");
    assert.match(page.url(), /\/__consentry\/admin\/login/);
    assert.deepEqual(await axe(page), []);
    await page.fill("#l-user", "owner");
    await page.fill("#l-password", PASSWORD);
    await Promise.all([page.waitForURL(/\/__consentry\/admin(\?|$)/), page.press("#l-password", "Enter")]);
    await eventually(
      async () => {
        await page.reload();
        return (await page.locator("main").textContent()).includes(String(VISITORS * 2));
      },
      15000,
      "the page views to reach the dashboard",
    );
    const main = await page.locator("main").textContent();
    assert.ok(main.includes("Top pages"), "the pages table");
    assert.ok((await page.locator("svg[role=img]").count()) >= 2, "the charts");
    assert.ok((await page.locator("a[href*='format=csv']").count()) >= 8, "CSV links");
    await page.screenshot({ path: artifact("dashboard.png"), fullPage: true });
    assert.deepEqual(await axe(page), []);
    for (const section of ["Cookies", "Audit log"]) {
      await page.click(`nav.sections >> text=${section}`);
      await page.waitForLoadState();
      assert.deepEqual(await axe(page), [], section);
    }
    assert.ok((await page.locator("main").textContent()).includes("owner"), "the sign-in is in the audit log");
    assert.deepEqual(v.violations, []);
  });
});
