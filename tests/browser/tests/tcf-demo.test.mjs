// The IAB TCF through the real gateway (`consentry demo --tcf`), in Chromium: the publisher
// page's own script and a stand-in ad vendor read consent through __tcfapi. Before a choice
// the GDPR applies and the string grants nothing, and the vendor's script stays inert on the
// server; after "Accept all" the string grants the purposes and vendors and the vendor runs;
// after "Reject all" it grants none and the vendor never runs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eventually, launch, startGateway, visitor } from "../support.mjs";

/** The last TCData the page's own listener heard, parsed from its panel. */
async function heard(page) {
  return page.evaluate(
    () =>
      new Promise((ok) =>
        window.__tcfapi("getTCData", 2, (tcData, success) => ok(success ? tcData : null)),
      ),
  );
}

describe("TCF through the gateway", () => {
  let gateway, browser;
  before(async () => {
    gateway = await startGateway(["demo", "--tcf"]);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it("a vendor hears gdprApplies and an empty string before a choice, all after Accept all", async () => {
    const v = await visitor(browser, gateway.url);
    await v.page.goto(gateway.url + "/news.html", { waitUntil: "networkidle" });
    const first = await heard(v.page);
    assert.equal(first.gdprApplies, true);
    assert.equal(first.cmpStatus, "loaded");
    assert.ok(first.tcString.length > 20, first.tcString);
    assert.deepEqual(
      Object.values(first.purpose.consents).filter(Boolean),
      [],
      "no purpose before a choice",
    );
    assert.equal(first.vendor.consents["1"], false);
    assert.equal(await v.page.evaluate(() => window.standInVendorRan), undefined, "the vendor is inert");
    const events = v.page.locator("#tcf-events");
    assert.match(await events.textContent(), /cmpuishown: gdprApplies=true/);

    await v.page.getByRole("button", { name: "Accept all" }).click();
    await eventually(async () => /useractioncomplete/.test(await events.textContent()), 5000, "useractioncomplete");
    const after = await heard(v.page);
    assert.deepEqual(
      Object.entries(after.purpose.consents).filter(([, on]) => on).map(([id]) => Number(id)),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    );
    assert.equal(after.vendor.consents["1"], true);
    assert.equal(after.vendor.consents["2"], true);
    assert.notEqual(after.tcString, first.tcString);
    const cookies = await v.context.cookies();
    assert.equal(cookies.find((c) => c.name === "euconsent-v2")?.value, after.tcString);

    // On the next page the server lets the vendor run; it reads the same string.
    await v.page.goto(gateway.url + "/news.html", { waitUntil: "networkidle" });
    assert.equal(await v.page.evaluate(() => window.standInVendorRan), true);
    await eventually(
      async () => /consent for vendor 1: true/.test(await v.page.locator("#vendor-log").textContent()),
      5000,
      "the vendor's log",
    );
    await v.context.close();
  });

  it("after Reject all the string grants nothing and the vendor never runs", async () => {
    const v = await visitor(browser, gateway.url);
    await v.page.goto(gateway.url + "/news.html", { waitUntil: "networkidle" });
    await v.page.getByRole("button", { name: "Reject all" }).click();
    await eventually(
      async () => /useractioncomplete/.test(await v.page.locator("#tcf-events").textContent()),
      5000,
      "useractioncomplete",
    );
    const after = await heard(v.page);
    assert.deepEqual(Object.values(after.purpose.consents).filter(Boolean), []);
    assert.equal(after.vendor.consents["1"], false);
    await v.page.goto(gateway.url + "/news.html", { waitUntil: "networkidle" });
    assert.equal(await v.page.evaluate(() => window.standInVendorRan), undefined);
    await v.context.close();
  });

  it("a US visitor under opt-out gets GPP's US section, and marketing off under GPC", async () => {
    const v = await visitor(browser, gateway.url, { extraHTTPHeaders: { "Sec-GPC": "1" } });
    await v.page.goto(gateway.url + "/news.html?region=US-CA", { waitUntil: "networkidle" });
    const ping = await v.page.evaluate(
      () => new Promise((ok) => window.__gpp("ping", (data) => ok(data))),
    );
    assert.deepEqual(ping.applicableSections, [7]);
    const optOut = await v.page.evaluate(
      () =>
        new Promise((ok) =>
          window.__gpp("getField", (value) => ok(value), "usnat.SaleOptOut"),
        ),
    );
    assert.equal(optOut, 1, "opted out of sale (1), as Global Privacy Control asks");
    const tc = await heard(v.page);
    assert.equal(tc.gdprApplies, false);
    await v.context.close();
  });
});
