// The banner under a site's strict Content-Security-Policy: the gateway's inline Consent Mode
// script runs by its hash, the banner loads from 'self', and scripts switched on later keep
// the nonce the site gave them. The browser reports no violation.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { eventually, launch, startGateway, visitor } from "../support.mjs";

const POLICY = "default-src 'self'; script-src 'self' 'nonce-r4nd0m'; frame-src https://www.youtube.com";
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strict</title>
<script nonce="r4nd0m">window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('config', 'G-STRICT'); window.__inlineRan = 1;</script>
</head><body><main><h1>A site with a strict policy</h1>
<iframe src="https://www.youtube.com/embed/x" title="Video" width="320" height="180"></iframe>
<script data-consentry="analytics" type="text/plain" src="/stats.js"></script>
</main></body></html>`;

describe("content security policy", () => {
  let origin, gateway, browser;
  before(async () => {
    origin = createServer((req, res) => {
      if (req.url === "/stats.js") {
        res.writeHead(200, { "content-type": "text/javascript" });
        return res.end("window.__statsRan = 1;");
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": POLICY });
      res.end(PAGE);
    });
    await new Promise((ok) => origin.listen(0, "127.0.0.1", ok));
    const to = `http://127.0.0.1:${origin.address().port}`;
    gateway = await startGateway(["proxy", "--to", to, "--bind", "127.0.0.1"]);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await gateway?.stop();
    origin?.close();
  });

  it("works under the site's policy without a violation", async () => {
    const v = await visitor(browser, gateway.url);
    await v.page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
      );
    });
    const response = await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" });
    const policy = response.headers()["content-security-policy"];
    assert.match(policy, /script-src 'self' 'nonce-r4nd0m' 'sha256-[A-Za-z0-9+/]+=*'/);
    assert.ok(!policy.includes("unsafe-inline"));
    // The Consent Mode defaults ran first; the tracker snippet waits.
    const first = await v.page.evaluate(() => [window.dataLayer[0][0], window.dataLayer[0][1], window.__inlineRan]);
    assert.deepEqual(first, ["consent", "default", undefined]);
    await v.page.getByRole("button", { name: "Accept all" }).click();
    await eventually(() => v.page.evaluate(() => window.__statsRan && window.__inlineRan), 5000, "scripts to run");
    await eventually(() => v.external.some((u) => /youtube\.com\/embed/.test(u)), 5000, "the embed");
    assert.deepEqual(await v.page.evaluate(() => window.__violations), []);
    assert.deepEqual(v.violations, []);
    await v.context.close();
  });
});
