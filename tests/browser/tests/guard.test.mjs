// The runtime guard: what a page's scripts build at run time towards a tracker (an address
// decoded with atob, a script whose address is put together from pieces, a pixel, a beacon,
// an XHR, document.write) reaches no tracker before consent, although the HTML pass cannot
// see it in the page. After Accept all the held script loads (its onload still fires) and
// new requests go through. First-party requests and other third parties are never held.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { eventually, launch, startGateway, visitor } from "../support.mjs";

const GA = "https://www.google-analytics.com/g/collect?v=2&tid=G-GUARD&en=page_view";
const GA64 = Buffer.from(GA).toString("base64");

// No tracker's host is written out in the page, so the HTML pass leaves every script alone.
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Guarded</title>
<script src="https://cdn.widgets.example/widget.js"></script>
</head><body><main><h1>A shop</h1><p>Scripts that build their trackers' addresses.</p></main>
<script>
window.__ran = [];
// Addresses put together at run time, as bundles and tag managers do.
function u(parts) { return parts.join("."); }
// (a) fetch to Google Analytics' collect endpoint, its address decoded at run time.
fetch(atob("${GA64}"), { method: "POST", mode: "no-cors" }).then(
  function () { window.__a = "sent"; }, function () { window.__a = "failed"; });
window.__ran.push("a");
// (b) a tag loader: a script whose address is put together from pieces.
var s = document.createElement("script");
s.src = u(["https://snap", "licdn", "com/li.lms-analytics/insight.min.js"]);
s.async = true;
s.onload = function () { window.__bLoaded = (window.__bLoaded || 0) + 1; };
document.head.appendChild(s);
window.__ran.push("b");
// (c) a tracking pixel.
var img = new Image();
img.src = u(["https://www", "facebook", "com/tr?id=1234&ev=PageView&noscript=1"]);
window.__ran.push("c");
// (d) a beacon.
window.__d = navigator.sendBeacon(u(["https://bat", "bing", "com/action/0?ti=1234&evt=pageLoad"]), "x");
window.__ran.push("d");
// (e) an XHR, and a pixel set as an attribute.
var x = new XMLHttpRequest();
x.open("GET", u(["https://stats", "g", "doubleclick", "net/j/collect?t=dc"]));
x.onerror = function () { window.__e = "error"; };
x.onload = function () { window.__e = "loaded"; };
x.send();
var px = document.createElement("img");
px.setAttribute("src", u(["https://px", "ads", "linkedin", "com/collect?pid=1"]));
document.body.appendChild(px);
window.__ran.push("e");
// (f) document.write of a tracker's tag.
document.write('<scr' + 'ipt src="' + u(["https://static", atob("aG90amFy"), "com/c/hj-1234.js?sv=6"]) + '"></scr' + 'ipt>');
window.__ran.push("f");
// First-party requests and other third parties are never held.
fetch("/api").then(function (r) { return r.text(); }).then(function (t) { window.__api = t; });
var w2 = document.createElement("script");
w2.src = u(["https://cdn", "widgets", "example/dynamic.js"]);
document.head.appendChild(w2);
window.__ran.push("own");
</script>
</body></html>`;

const TRACKERS = /google-analytics\.com|licdn\.com|facebook\.com|bing\.com|doubleclick\.net|linkedin\.com|hotjar\.com/;

/** A visitor for whom the LinkedIn tag, once let through, runs: a stub that says so. */
async function guardedVisitor(browser, url) {
  const v = await visitor(browser, url);
  await v.context.route(/snap\.licdn\.com\//, (route) =>
    route.fulfill({ status: 200, contentType: "text/javascript", body: "window.__insight = 1;" }),
  );
  return v;
}

describe("runtime guard", () => {
  let origin, gateway, browser;
  const originSeen = [];
  before(async () => {
    origin = createServer((req, res) => {
      originSeen.push(req.url);
      if (req.url === "/api") {
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end("ok");
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
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

  it("holds what scripts build at run time until consent, and lets it through after", async () => {
    const v = await guardedVisitor(browser, gateway.url);
    const errors = [];
    v.page.on("pageerror", (e) => errors.push(String(e)));
    const response = await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" });
    const html = await response.text();
    const guard = /<script src="(\/__consentry\/guard\.[0-9a-f]+\.js)" data-granted=""><\/script>/.exec(html);
    assert.ok(guard, "the guard is loaded in <head>");
    assert.ok(html.indexOf(guard[0]) < html.indexOf("widget.js"), "before the page's own scripts");

    // Every script ran: the HTML pass saw no tracker in them, so only the guard held them.
    await eventually(() => v.page.evaluate(() => window.__api && window.__a && window.__e), 5000, "the scripts");
    assert.deepEqual(await v.page.evaluate(() => window.__ran), ["a", "b", "c", "d", "e", "f", "own"]);
    const state = await v.page.evaluate(() => ({
      a: window.__a,
      d: window.__d,
      e: window.__e,
      api: window.__api,
      held: [...document.querySelectorAll("[data-consentry-src]")].map((el) => [
        el.tagName,
        el.getAttribute("data-consentry"),
        el.getAttribute("type"),
        el.hasAttribute("src"),
      ]),
    }));
    assert.equal(state.a, "failed", "fetch fails as a network error would");
    assert.equal(state.d, false, "sendBeacon says it queued nothing");
    assert.equal(state.e, "error", "the XHR fails");
    assert.equal(state.api, "ok", "a first-party fetch goes through");
    assert.deepEqual(
      state.held.sort(),
      [
        ["IMG", "marketing", null, false],
        ["SCRIPT", "analytics", "text/plain", false],
        ["SCRIPT", "marketing", "text/plain", false],
      ],
      "the held script, the written script and the pixel in the page keep their address aside",
    );
    assert.deepEqual(v.external.filter((u) => TRACKERS.test(u)), [], "no tracker reached");
    assert.ok(v.external.some((u) => u.includes("cdn.widgets.example/widget.js")), "another third party loads");
    assert.ok(v.external.some((u) => u.includes("cdn.widgets.example/dynamic.js")), "and its dynamic script");
    assert.ok(originSeen.includes("/api"));

    await v.page.getByRole("button", { name: "Accept all" }).click();
    // The held script is switched on in place: it loads and its loader's onload fires once.
    await eventually(() => v.page.evaluate(() => window.__insight && window.__bLoaded), 5000, "the held script");
    assert.equal(await v.page.evaluate(() => window.__bLoaded), 1);
    assert.ok(v.external.some((u) => /snap\.licdn\.com\/li\.lms-analytics\/insight\.min\.js/.test(u)));
    await eventually(() => v.external.some((u) => /static\.hotjar\.com\/c\/hj-1234\.js/.test(u)), 5000, "the written script");
    await eventually(() => v.external.some((u) => /px\.ads\.linkedin\.com\/collect/.test(u)), 5000, "the pixel");
    // New requests go through.
    const after = await v.page.evaluate((url) => {
      const x = new XMLHttpRequest();
      x.open("GET", "https://stats.g.doubleclick.net/j/collect?t=after");
      x.send();
      return Promise.all([
        fetch(url, { method: "POST", mode: "no-cors" }).then(() => "sent", () => "failed"),
        navigator.sendBeacon("https://bat.bing.com/action/0?evt=after", "x"),
      ]);
    }, GA);
    assert.deepEqual(after, ["sent", true]);
    await eventually(() => v.external.some((u) => u.startsWith(GA)), 5000, "the collect request");
    await eventually(() => v.external.some((u) => /bat\.bing\.com\/action\/0\?evt=after/.test(u)), 5000, "the beacon");
    await eventually(() => v.external.some((u) => /doubleclick\.net\/j\/collect\?t=after/.test(u)), 5000, "the XHR");
    assert.deepEqual(errors, [], "no page error");
    await v.context.close();
  });

  it("decides as the gateway does: exceptions, paths on any host, subdomains (reCAPTCHA and Sign in with Google wait for preferences)", async () => {
    const v = await guardedVisitor(browser, gateway.url);
    await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" });
    // [address, whether it goes through before consent]
    const cases = [
      ["https://www.google.com/recaptcha/api.js", false],
      ["https://accounts.google.com/gsi/client", false],
      ["https://www.google.com/maps/embed?pb=1", false],
      ["https://www.google.com/search?q=x", false],
      ["/matomo.php?idsite=1", false],
      ["/matomo.json", true],
      ["/api/event", true],
      ["https://plausible.example.org/api/event", false],
      ["https://stats.example.org/js/plausible.js", false],
      ["https://a.b.doubleclick.net/x", false],
      ["https://doubleclick.net.example.org/x", true],
      ["https://notdoubleclick.net/x", true],
      ["https://www.paypal.com/sdk/js", true],
      ["https://maps.googleapis.com/maps/api/js", false],
      ["https://fonts.googleapis.com/css2", true],
      ["https://WWW.Google-Analytics.COM./g/collect?v=2", false],
    ];
    const sent = await v.page.evaluate((cases) => cases.map(([u]) => navigator.sendBeacon(u, "x")), cases);
    assert.deepEqual(
      cases.map(([u], i) => [u, sent[i]]),
      cases,
    );
    await v.context.close();
  });

  it("is not loaded once everything is granted", async () => {
    const v = await guardedVisitor(browser, gateway.url);
    await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" });
    await v.page.getByRole("button", { name: "Accept all" }).click();
    await eventually(() => v.page.evaluate(() => window.__insight), 5000, "the held script");
    const html = await (await v.page.goto(gateway.url + "/", { waitUntil: "networkidle" })).text();
    assert.ok(!html.includes("/__consentry/guard."), "no guard for a visitor who granted everything");
    // Nothing holds the page's scripts now: the built addresses load straight away.
    await eventually(() => v.page.evaluate(() => window.__insight && window.__a === "sent"), 5000, "the trackers");
    await v.context.close();
  });
});
