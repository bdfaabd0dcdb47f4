// The IAB CMP APIs in the page (`__tcfapi`, TCF v2.3; `__gpp`, GPP v1.1) as ad tech meets them:
// the stub inlined first in <head>, the data block, the full API (tcf.js, deferred) and the
// banner's script handing on the consent endpoint's answer. A fixture publisher page is served
// from a small static origin with a stand-in vendor script in <head> and a vendor in an iframe
// of another origin (fixtures/tcf/), so the JavaScript is tested on its own, as the gateway
// will serve it: the stub as it is inlined, tcf.js and banner.js compacted as they are served.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { eventually, launch, repo } from "../support.mjs";

const fixtures = join(repo, "tests/browser/fixtures/tcf");
const assets = join(repo, "consent-banner/assets");
const read = (dir, name) => readFileSync(join(dir, name), "utf8");
const fixture = (name) => JSON.parse(read(fixtures, name));

/** A script as the gateway serves it (consentry_banner's `compact`). */
const compact = (js) =>
  js
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("//") && !l.startsWith("/*"))
    .join("\n");

/** The data block as `consentry_banner::tcf_data_block` writes it. */
const dataBlock = (data) =>
  `<script type="application/json" id="consentry-tcf">${JSON.stringify(data).replace(
    /[<>&]/g,
    (c) => `\\u00${c.charCodeAt(0).toString(16)}`,
  )}</script>`;

const EU = fixture("data-eu.json");
const US = fixture("data-us.json");
const ACCEPT = fixture("answer-accept.json");
const REJECT = { consent_id: "c-2", granted: ["necessary"], policy_version: "1" };

/** The publisher's origin: `/?data=eu|us|none` is the page for that visitor. */
function origin(frameOrigin) {
  const posted = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const send = (type, body) => {
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (req.method === "POST" && url.pathname === "/__consentry/consent") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const choice = JSON.parse(body);
        posted.push(choice);
        send("application/json", JSON.stringify(choice.action === "accept" ? ACCEPT : REJECT));
      });
      return;
    }
    switch (url.pathname) {
      case "/": {
        const data = { eu: EU, us: US }[url.searchParams.get("data")];
        const page = read(fixtures, "page.html")
          .replace("/*STUB*/", () => read(assets, "tcf-stub.js").trim())
          .replace("<!--DATA-->", () => (data ? dataBlock(data) : ""))
          .replace("<!--TCF-->", '<script src="/tcf.js" defer></script>')
          .replace("/*FRAME*/", `${frameOrigin()}/frame.html`)
          .replace("<!--BANNER-->", () => read(fixtures, "banner.html"));
        if (url.searchParams.has("csp")) {
          // A strict policy: the inline script by its hash, as the gateway will add it.
          const inline = /<script>([^<]*)<\/script>/.exec(page)[1];
          const hash = createHash("sha256").update(inline).digest("base64");
          res.setHeader(
            "content-security-policy",
            `default-src 'self'; script-src 'self' 'sha256-${hash}'; style-src 'self'; frame-src ${frameOrigin()}`,
          );
        }
        return send("text/html; charset=utf-8", page);
      }
      case "/tcf.js":
        return send("text/javascript", compact(read(assets, "tcf.js")));
      case "/banner.js":
        return send("text/javascript", compact(read(assets, "banner.js")));
      case "/vendor.js":
        return send("text/javascript", read(fixtures, "vendor.js"));
      case "/frame.html":
        return send("text/html; charset=utf-8", read(fixtures, "frame.html"));
    }
    res.writeHead(404);
    res.end();
  });
  return { server, posted };
}

const listen = (server) =>
  new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(`http://127.0.0.1:${server.address().port}`)));

describe("the IAB CMP APIs in the page", () => {
  let site, ads, siteUrl, adsUrl, browser;
  before(async () => {
    // Two origins (two ports): the publisher's, and the ad's in its iframe.
    site = origin(() => adsUrl);
    ads = origin(() => adsUrl);
    siteUrl = await listen(site.server);
    adsUrl = await listen(ads.server);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    site?.server.close();
    ads?.server.close();
  });

  /** A fresh visitor on the page for `data`; only the two loopback origins are reachable. */
  async function visit(data, query = "") {
    const context = await browser.newContext();
    await context.route(
      (url) => !url.href.startsWith(siteUrl) && !url.href.startsWith(adsUrl),
      (route) => route.abort(),
    );
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${siteUrl}/?data=${data}${query}`, { waitUntil: "load" });
    await eventually(() => page.evaluate(() => window.vendor && window.vendor.ping.tcfLoaded), 5000, "the CMP to load");
    const frame = () => page.frames().find((f) => f.url().startsWith(adsUrl));
    return { context, page, errors, frame, vendor: () => page.evaluate(() => window.vendor) };
  }

  it("answers a vendor from the stub, then answers its queued calls in order once loaded", async () => {
    const v = await visit("eu");
    const log = await v.vendor();
    assert.deepEqual(log.ping.tcfStub, {
      gdprApplies: true,
      cmpLoaded: false,
      cmpStatus: "stub",
      displayStatus: "visible",
      apiVersion: "2.3",
    });
    assert.equal(log.ping.gppStub.cmpStatus, "stub");
    assert.equal(log.ping.gppStub.signalStatus, "not ready");
    assert.deepEqual(log.ping.gppStubReturned, log.ping.gppStub);

    // In the order the vendor called, the removal made from inside a callback included.
    assert.deepEqual(log.order, ["listener", "getTCData", "second", "removed", "unknown", "version 1"]);
    const first = log.tcf[0];
    assert.equal(first.success, true);
    assert.equal(first.tcData.eventStatus, "cmpuishown");
    assert.equal(first.tcData.cmpStatus, "loaded");
    assert.equal(first.tcData.gdprApplies, true);
    assert.equal(first.tcData.tcString, EU.tcString);
    assert.equal(first.tcData.listenerId, 1);
    assert.equal(first.tcData.cmpId, 300);
    assert.equal(first.tcData.tcfPolicyVersion, 5);
    assert.equal(first.tcData.publisherCC, "NL");
    assert.deepEqual(first.tcData.purpose, EU.purpose);
    assert.deepEqual(first.tcData.vendor, EU.vendor);
    assert.deepEqual(first.tcData.specialFeatureOptins, { 1: false, 2: false });
    assert.deepEqual(first.tcData.publisher, EU.publisher);
    assert.equal("decided" in first.tcData || "gpp" in first.tcData, false, "only TCData fields");

    // getTCData for two vendors: those two only, the one the list does not hold as false.
    assert.equal(log.getTCData.success, true);
    assert.equal(log.getTCData.tcData.listenerId, undefined);
    assert.deepEqual(log.getTCData.tcData.vendor.consents, { 755: false, 1126: false });
    assert.deepEqual(log.getTCData.tcData.vendor.legitimateInterests, { 755: false, 1126: false });
    assert.deepEqual(log.removed, { second: true });
    assert.deepEqual(log.unknown, { value: null, success: false });
    assert.deepEqual(log.versionOne, { value: null, success: false });

    assert.deepEqual(log.ping.tcfLoaded, {
      gdprApplies: true,
      cmpLoaded: true,
      cmpStatus: "loaded",
      displayStatus: "visible",
      apiVersion: "2.3",
      cmpVersion: 1,
      cmpId: 300,
      gvlVersion: 123,
      tcfPolicyVersion: 5,
    });

    // GPP: registered by the stub, then told the CMP loaded, shows its banner and is ready.
    assert.deepEqual(
      log.gpp.map((e) => [e.eventName, e.data, e.signalStatus, e.cmpStatus, e.listenerId]),
      [
        ["listenerRegistered", true, "not ready", "stub", 1],
        ["cmpStatus", "loaded", "not ready", "loaded", 1],
        ["cmpDisplayStatus", "visible", "not ready", "loaded", 1],
        ["signalStatus", "ready", "ready", "loaded", 1],
      ],
    );
    const gpp = log.ping.gppLoaded;
    assert.equal(gpp.gppVersion, "1.1");
    assert.equal(gpp.cmpStatus, "loaded");
    assert.equal(gpp.cmpDisplayStatus, "visible");
    assert.equal(gpp.signalStatus, "ready");
    assert.equal(gpp.cmpId, 300);
    assert.deepEqual(gpp.supportedAPIs, ["2:tcfeuv2", "7:usnat"]);
    assert.deepEqual(gpp.sectionList, [2]);
    assert.deepEqual(gpp.applicableSections, [2]);
    assert.equal(gpp.gppString, EU.gpp.gppString);
    assert.deepEqual(gpp.parsedSections, EU.gpp.parsedSections);

    // The locator frames are there for vendors in iframes, out of sight.
    assert.deepEqual(
      await v.page.evaluate(() =>
        ["__tcfapiLocator", "__gppLocator"].map((n) => {
          const f = document.querySelector(`iframe[name="${n}"]`);
          return f && getComputedStyle(f).display;
        }),
      ),
      ["none", "none"],
    );
    assert.deepEqual(v.errors, []);
    await v.context.close();
  });

  it("tells every listener of the decision with the TC data of the gateway's answer", async () => {
    const v = await visit("eu");
    await eventually(async () => (await v.frame()?.evaluate(() => window.frameLog.tcf.length)) >= 1, 5000, "the frame");
    await v.page.getByRole("button", { name: "Accept all" }).click();
    await eventually(async () => (await v.vendor()).tcf.length >= 2, 5000, "useractioncomplete");
    assert.deepEqual(site.posted.at(-1), { action: "accept", categories: [] });

    const log = await v.vendor();
    assert.equal(log.tcf.length, 2);
    const done = log.tcf[1].tcData;
    assert.equal(log.tcf[1].success, true);
    assert.equal(done.eventStatus, "useractioncomplete");
    assert.equal(done.listenerId, log.tcf[0].tcData.listenerId);
    assert.equal(done.tcString, ACCEPT.tcf.tcString);
    assert.notEqual(done.tcString, EU.tcString);
    assert.deepEqual(done.vendor.consents, { 755: true, 793: true, 1126: true });
    assert.equal(done.purpose.consents["1"], true);
    assert.deepEqual(done.specialFeatureOptins, { 1: true, 2: false });
    // The listener removed before the decision heard nothing more.
    assert.deepEqual(log.second, ["cmpuishown"]);
    assert.deepEqual(
      log.gpp.slice(4).map((e) => `${e.eventName}:${e.data}:${e.signalStatus}`),
      ["signalStatus:not ready:not ready", "cmpDisplayStatus:hidden:not ready", "sectionChange:tcfeuv2:not ready", "signalStatus:ready:ready"],
    );

    // Asked now, the CMP has the new data, and a new listener hears at once that it is final.
    const now = await v.page.evaluate(
      () =>
        new Promise((ok) => {
          const out = {};
          __tcfapi("ping", 2, (p) => (out.ping = p));
          __tcfapi("addEventListener", 2, (t, success) => (out.late = { status: t.eventStatus, tcString: t.tcString, id: t.listenerId, success }));
          __tcfapi("removeEventListener", 2, (ok) => (out.removedUnknown = ok), 99);
          __gpp("getField", (value) => (out.vendors = value), "tcfeuv2.VendorConsents");
          __gpp("ping", (p) => (out.gpp = p));
          ok(out);
        }),
    );
    assert.equal(now.ping.displayStatus, "hidden");
    // (Ids 1 and 2 went to the vendor in the page, the next ones to the vendor in the iframe.)
    assert.deepEqual(now.late, { status: "useractioncomplete", tcString: ACCEPT.tcf.tcString, id: now.late.id, success: true });
    assert.ok(now.late.id > 2, `a new listener id: ${now.late.id}`);
    assert.equal(now.removedUnknown, false);
    assert.deepEqual(now.vendors, [755, 793, 1126]);
    assert.equal(now.gpp.gppString, ACCEPT.tcf.gpp.gppString);
    assert.equal(now.gpp.cmpDisplayStatus, "hidden");

    // The vendor in the iframe heard it too, by postMessage.
    await eventually(async () => (await v.frame().evaluate(() => window.frameLog.tcf.length)) >= 2, 5000, "the frame's event");
    const frameLog = await v.frame().evaluate(() => window.frameLog);
    assert.deepEqual(
      frameLog.tcf.map((e) => [e.eventStatus, e.tcString]),
      [
        ["cmpuishown", EU.tcString],
        ["useractioncomplete", ACCEPT.tcf.tcString],
      ],
    );
    assert.ok(frameLog.gpp.includes("sectionChange:tcfeuv2"), frameLog.gpp.join());
    assert.deepEqual(v.errors, []);
    await v.context.close();
  });

  it("answers a vendor in an iframe of another origin through the locator frames", async () => {
    const v = await visit("eu");
    const frame = v.frame();
    assert.ok(frame, "the ad's frame");
    assert.notEqual(new URL(frame.url()).origin, new URL(siteUrl).origin);
    const log = await eventually(
      () => frame.evaluate(() => window.frameLog.located && window.frameLog.ping && window.frameLog.gppPing && window.frameLog.removed === true && window.frameLog.tcf.length && window.frameLog),
      5000,
      "the frame's answers",
    );
    assert.ok(["stub", "loaded"].includes(log.ping.cmpStatus), log.ping.cmpStatus);
    assert.equal(log.ping.gdprApplies, true);
    assert.deepEqual(log.tcf, [
      { eventStatus: "cmpuishown", tcString: EU.tcString, gdprApplies: true, listenerId: log.tcf[0].listenerId, success: true },
    ]);
    assert.equal(log.removed, true);
    assert.equal(log.gppPing.gppVersion, "1.1");
    assert.equal(log.stringReplies, true, "a call sent as a string is answered as a string");
    await eventually(
      () => frame.evaluate(() => window.frameLog.gpp.includes("signalStatus:ready")),
      5000,
      "GPP ready in the frame",
    );
    assert.equal((await frame.evaluate(() => window.frameLog.gpp))[0], "listenerRegistered:true");
    assert.deepEqual(v.errors, []);
    await v.context.close();
  });

  it("still tells listeners of a decision whose answer carries no TC data", async () => {
    const v = await visit("eu");
    await v.page.getByRole("button", { name: "Reject all" }).click();
    await eventually(async () => (await v.vendor()).tcf.length >= 2, 5000, "useractioncomplete");
    const log = await v.vendor();
    assert.equal(log.tcf[1].tcData.eventStatus, "useractioncomplete");
    assert.equal(log.tcf[1].tcData.tcString, EU.tcString);
    assert.equal(await v.page.evaluate(() => new Promise((ok) => __tcfapi("ping", 2, (p) => ok(p.displayStatus)))), "hidden");
    assert.deepEqual(
      log.gpp.slice(4).map((e) => `${e.eventName}:${e.data}`),
      ["signalStatus:not ready", "cmpDisplayStatus:hidden", "signalStatus:ready"],
    );
    assert.deepEqual(v.errors, []);
    await v.context.close();
  });

  it("under a US opt-out regime: GDPR does not apply, GPP's US national section does", async () => {
    const v = await visit("us");
    const log = await v.vendor();
    assert.equal(log.ping.tcfStub.gdprApplies, false);
    // Where GDPR does not apply, TCData holds only what the CMP API says it then holds.
    assert.deepEqual(log.tcf[0].tcData, {
      tcfPolicyVersion: 5,
      cmpId: 300,
      cmpVersion: 1,
      gdprApplies: false,
      eventStatus: "cmpuishown",
      cmpStatus: "loaded",
      listenerId: 1,
    });
    const gpp = await v.page.evaluate(
      () =>
        new Promise((ok) => {
          const out = {};
          __gpp("ping", (p) => (out.ping = p));
          __gpp("hasSection", (x) => (out.hasUsnat = x), "usnat");
          __gpp("hasSection", (x) => (out.hasTcf = x), "tcfeuv2");
          __gpp("getSection", (x) => (out.usnat = x), "usnat");
          __gpp("getSection", (x) => (out.tcf = x), "tcfeuv2");
          __gpp("getField", (x) => (out.sale = x), "usnat.SaleOptOut");
          __gpp("getField", (x) => (out.gpc = x), "usnat.Gpc");
          __gpp("getField", (x) => (out.none = x), "usnat.NoSuchField");
          __gpp("addEventListener", (e) => (out.added = out.added || []).push(`${e.eventName}:${e.data}:${e.listenerId}`));
          const id = Number(out.added[0].split(":")[2]);
          __gpp("removeEventListener", (e) => (out.removed = [e.eventName, e.data, e.listenerId === id]), id);
          __gpp("removeEventListener", (e) => (out.removedAgain = e.data), id);
          __gpp("nosuchcommand", (value, success) => (out.unknown = [value, success]));
          ok(out);
        }),
    );
    assert.deepEqual(gpp.ping.applicableSections, [7]);
    assert.deepEqual(gpp.ping.sectionList, [7]);
    assert.equal(gpp.ping.gppString, US.gpp.gppString);
    assert.equal(gpp.hasUsnat, true);
    assert.equal(gpp.hasTcf, false);
    assert.deepEqual(gpp.usnat, US.gpp.parsedSections.usnat);
    assert.equal(gpp.tcf, null);
    assert.equal(gpp.sale, 2);
    assert.equal(gpp.gpc, false);
    assert.equal(gpp.none, null);
    const id = gpp.added[0].split(":")[2];
    assert.ok(Number(id) > 1, "ids go on from the stub's");
    assert.deepEqual(gpp.added, [`listenerRegistered:true:${id}`, `signalStatus:ready:${id}`]);
    assert.deepEqual(gpp.removed, ["listenerRemoved", true, true]);
    assert.equal(gpp.removedAgain, false);
    assert.deepEqual(gpp.unknown, [null, false]);
    assert.deepEqual(v.errors, []);
    await v.context.close();
  });

  it("works under a strict Content-Security-Policy, the stub allowed by its hash", async () => {
    const v = await visit("eu", "&csp");
    const log = await v.vendor();
    assert.equal(log.ping.tcfStub.cmpStatus, "stub");
    assert.equal(log.ping.tcfLoaded.cmpStatus, "loaded");
    assert.equal(log.tcf[0].tcData.tcString, EU.tcString);
    await eventually(async () => (await v.frame()?.evaluate(() => window.frameLog.tcf.length)) >= 1, 5000, "the frame");
    await v.page.getByRole("button", { name: "Accept all" }).click();
    await eventually(async () => (await v.vendor()).tcf.length >= 2, 5000, "useractioncomplete");
    assert.deepEqual(await v.page.evaluate(() => window.__violations), []);
    assert.deepEqual(v.errors, []);
    await v.context.close();
  });

  it("without its data the CMP says it is in error and answers nothing else", async () => {
    const v = await visit("none");
    const log = await v.vendor();
    assert.equal(log.ping.tcfStub.gdprApplies, undefined);
    assert.equal(log.ping.tcfLoaded.cmpStatus, "error");
    assert.deepEqual(log.tcf, [{ tcData: null, success: false }]);
    assert.equal(log.ping.gppLoaded.cmpStatus, "error");
    assert.equal(log.ping.gppLoaded.signalStatus, "not ready");
    assert.deepEqual(
      log.gpp.map((e) => `${e.eventName}:${e.data}`),
      ["listenerRegistered:true", "cmpStatus:error"],
    );
    assert.deepEqual(v.errors, []);
    await v.context.close();
  });
});
