// The JavaScript peer of the Rust Worker, for bench.sh: the same consent job for a visitor who
// has not decided, done with the runtime's own HTMLRewriter, with the same catalogue
// (rules.mjs, written by gen-rules.mjs from config/catalogue) and the same rules, simplified
// where the Rust engine reads more:
//
// - the request's tracker cookies are not sent to the origin, the origin's tracker
//   `Set-Cookie`s not to the visitor (by name: the analytics and marketing cookies);
// - Consent Mode defaults (everything denied) and the runtime guard's tag at the start of
//   `<head>`, or before the first script;
// - a script from a tracker host or file becomes `type="text/plain"` with `data-consentry`;
//   an inline script is held until its end tag: a tag-sized one (8 KB or less) with a
//   tracker's signature, or a tracker's address and a word that loads something, is made
//   inert whole; in a longer one, a tracker address right after a loading word is defused
//   (`data:,//` before it); a consent platform's script is left alone;
// - a `<noscript>` whose markup loads a tracker (src, srcset, data, poster) is dropped;
// - a frame from a tracker host keeps its address in `data-consentry-src` and shows a
//   click-to-load placeholder (`srcdoc`); an image from a tracker host keeps it there too
//   (the same attribute selectors as the Rust pass); a hint or stylesheet to one is removed;
// - a `<meta http-equiv="Content-Security-Policy">` gets the hashes of the inline script;
// - the banner (a `<div>` with the form, the categories and the vendors found, and its
//   script), before `</body>` or at the end.
//
// What the Rust engine does and this does not: the signed consent cookie and its decisions,
// consent records, analytics counts, cookie classification beyond the catalogue's names
// (guesses for unknown cookies, learned functional cookies), page-speed tools' deferred
// scripts, `allow_trackers`, and charsets other than UTF-8.
import { HOSTS, PATHS, SIGNATURES, TRACKER_COOKIES, TRACKER_COOKIE_PREFIXES } from "./rules.mjs";

const TRACKER_COOKIE_SET = new Set(TRACKER_COOKIES);
const TAG_LIMIT = 8 * 1024;
const NEAR_WINDOW = 40;
const LOADERS = [
  "createElement(", "src=", "src =", "src:", "src\":", "write(", "writeln(", "Image(", "sendBeacon(", "fetch(",
  "import(", "importScripts(", "getScript(", "loadScript(", "appendChild(", "insertBefore(", "setAttribute(",
  "Script(", "script(", "JS(", "Js(", "document,", "'script'", "\"script\"", "XMLHttpRequest", "<iframe", "<img", ".ajax(",
];
const CONSENT_PLATFORMS = /Cookiebot|OneTrust|Optanon|usercentrics|UC_UI|didomi|klaroConfig|CookieYes|cookieyes|BorlabsCookie|borlabs-cookie|cmplz|complianz|_iub|iubenda|__tcfapiLocator|consentmanager|tarteaucitron|axeptioSettings|CookieFirst|CookieScript|gdprAppliesGlobally/;
const LOADING_RELS = new Set(["preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload", "prerender", "stylesheet"]);
const LAZY_IMAGE = ["data-src", "data-lazy-src", "data-srcset", "data-lazy-srcset"];
const LAZY_FRAME = ["data-src", "data-lazy-src", "data-litespeed-src"];

const isTrackerCookie = (name) =>
  TRACKER_COOKIE_SET.has(name) || TRACKER_COOKIE_PREFIXES.some((p) => name.startsWith(p));

/// The tracker served from `host` or a parent domain; a `necessary` entry is an exception.
function trackerForHost(host) {
  let candidate = host.toLowerCase().replace(/\.$/, "");
  for (;;) {
    const meta = HOSTS[candidate];
    if (meta) return meta[0] === "necessary" ? null : { category: meta[0], kind: meta[1], vendor: meta[2] };
    const dot = candidate.indexOf(".");
    if (dot < 0 || !candidate.includes(".", dot + 1)) return null;
    candidate = candidate.slice(dot + 1);
  }
}

const hostMatches = (host, pattern) =>
  pattern.endsWith(".*")
    ? host.split(".").includes(pattern.slice(0, -2))
    : host === pattern || host.endsWith(`.${pattern}`);

/// The tracker a URL points at: a tracker file on its host, its host, a tracker file anywhere.
function trackerForUrl(url) {
  const m = /^\s*(?:(https?):)?(\/\/([^/?#:\s]+))?([^\s]*)/i.exec(url);
  if (!m || (m[1] === undefined && m[2] === undefined && /^\s*[a-z][a-z0-9+.-]*:/i.test(url))) return null;
  const host = m[3]?.toLowerCase();
  const rest = m[4].toLowerCase();
  let anywhere = null;
  for (const [pattern, on, category, vendor] of PATHS) {
    if (!rest.includes(pattern)) continue;
    if (on) {
      if (host && hostMatches(host, on)) return category === "necessary" ? null : { category, kind: "tracker", vendor };
    } else anywhere ??= { category, kind: "tracker", vendor };
  }
  return (host && trackerForHost(host)) || anywhere;
}

const URL_IN_TEXT = /(?:https?:)?(?:\\?\/){2}([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi;

/// What an inline script loads: { tag } for a tag-sized script made inert whole, { cuts } for
/// the places to defuse in a longer one.
function scanScript(text) {
  if (CONSENT_PLATFORMS.test(text)) return {};
  const tagSized = text.length <= TAG_LIMIT;
  if (tagSized) {
    for (const [pattern, category, vendor] of SIGNATURES) {
      if (text.includes(pattern)) return { tag: { category, vendor } };
    }
    if (!LOADERS.some((l) => text.includes(l))) return {};
  }
  const cuts = [];
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const tracker = trackerForHost(m[1]);
    if (!tracker) continue;
    if (tagSized) return { tag: tracker };
    const before = text.slice(Math.max(0, m.index - NEAR_WINDOW), m.index);
    if (LOADERS.some((l) => before.includes(l))) cuts.push([m.index, tracker]);
  }
  return { cuts };
}

const LOADING_ATTRIBUTE = /\b(?:src|srcset|data|poster)\s*=\s*["']?([^"'\s>]+)/gi;

function scanNoscript(markup) {
  for (const m of markup.matchAll(LOADING_ATTRIBUTE)) {
    const tracker = trackerForUrl(m[1]);
    if (tracker) return tracker;
  }
  return null;
}

const escapeAttr = (v) => v.replaceAll('"', "&quot;");
const openTag = (tag, attributes) =>
  `<${tag}${attributes.map(([n, v]) => (v === "" ? ` ${n}` : ` ${n}="${escapeAttr(v)}"`)).join("")}>`;
const isJavaScript = (type) =>
  type === null || type.trim() === "" || /^module$|javascript|ecmascript|jscript|livescript/i.test(type.trim());
const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

const HEAD_HTML =
  `<script id="consentry-consent-mode">window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}` +
  `gtag('consent','default',{ad_storage:'denied',ad_user_data:'denied',ad_personalization:'denied',analytics_storage:'denied',` +
  `functionality_storage:'denied',personalization_storage:'denied',security_storage:'granted'});</script>` +
  `<script src="/__consentry/guard.js" data-granted=""></script>`;
const HEAD_HASH = "'sha256-peerpeerpeerpeerpeerpeerpeerpeerpeerpeerpeer='";

const CATEGORIES = [
  ["preferences", "Preferences", "Remember your settings, such as language or region, and enable extra functions."],
  ["analytics", "Statistics", "Count visits and show how the site is used, so that we can improve it."],
  ["marketing", "Marketing", "Let advertising partners and embedded media recognise you across sites to show relevant ads and content."],
];

/// The banner: the consent form with its categories and the vendors found on the page.
function bannerHtml(returnTo, vendors) {
  const category = ([id, name, text]) => {
    const found = vendors.filter((v) => v.category === id);
    const list = found.length
      ? `<details><summary>Vendors (${found.length})</summary><ul>${found.map((v) => `<li>${escapeHtml(v.vendor)}</li>`).join("")}</ul></details>`
      : "";
    return (
      `<div class="cy-cat" data-c="${id}"><label><input type="checkbox" name="${id}" value="on" aria-describedby="cy-p-${id}"> ${name}</label>` +
      `<p id="cy-p-${id}">${text}</p>${list}</div>`
    );
  };
  return (
    `<div id="consentry" class="consentry cy-bottom" lang="en" data-granted="" data-manage="Cookie settings" data-saved="Your choice has been saved.">` +
    `<link rel="stylesheet" href="/__consentry/banner.css"><div class="cy-box" role="dialog" aria-labelledby="cy-title" aria-describedby="cy-text" tabindex="-1">` +
    `<form method="post" action="/__consentry/consent"><h2 id="cy-title">Cookies on this site</h2><p id="cy-text">We use cookies that the site needs to work. ` +
    `With your permission we also use cookies for statistics and marketing. You can change your choice at any time under Cookie settings.</p>` +
    `<input type="hidden" name="return_to" value="${escapeHtml(returnTo)}"><details class="cy-set"><summary>Settings</summary>` +
    `<fieldset id="consentry-settings"><legend>Choose which cookies you allow</legend><div class="cy-cat" data-c="necessary"><label>` +
    `<input type="checkbox" checked disabled aria-describedby="cy-p-necessary"> Necessary (always on)</label><p id="cy-p-necessary">Needed for the ` +
    `site to work, such as your session, security and this choice. They cannot be switched off.</p></div>${CATEGORIES.map(category).join("")}` +
    `<button type="submit" name="action" value="custom" class="cy-save">Save choices</button></fieldset></details><div class="cy-actions">` +
    `<button type="submit" name="action" value="reject_all">Reject all</button><button type="submit" name="action" value="accept_all">Accept all</button>` +
    `</div></form></div><p class="cy-live" role="status"></p><script src="/__consentry/banner.js" defer></script></div>`
  );
}

const placeholder = (vendor) =>
  `<!doctype html><style>body{margin:0;display:flex;align-items:center;justify-content:center;height:100vh;font:14px system-ui;background:#eee}` +
  `button{font:inherit;padding:.5em 1em}</style><p>This content from ${escapeHtml(vendor)} is shown once you accept marketing cookies.</p>` +
  `<button onclick="parent.postMessage('consentry:open','*')">Cookie settings</button>`;

/// One page's rewrite: what it found and what it holds.
class Page {
  constructor(returnTo) {
    this.returnTo = returnTo;
    this.headDone = false;
    this.bodyDone = false;
    this.vendors = [];
    this.held = null;
  }

  found(tracker) {
    if (!this.vendors.some((v) => v.vendor === tracker.vendor)) this.vendors.push(tracker);
  }

  banner() {
    this.bodyDone = true;
    return bannerHtml(this.returnTo, this.vendors);
  }

  /// Removes the start tag and buffers the text until the end tag decides.
  hold(el, tag) {
    const attributes = [...el.attributes];
    el.removeAndKeepContent();
    this.held = { tag, attributes, text: "" };
    el.onEndTag((end) => {
      const held = this.held;
      this.held = null;
      if (held) end.before(this.decide(held), { html: true });
    });
  }

  decide(held) {
    const whole = (text) => `${openTag(held.tag, held.attributes)}${text}</${held.tag}>`;
    if (held.tag === "noscript") {
      const tracker = scanNoscript(held.text);
      if (!tracker) return whole(held.text);
      this.found(tracker);
      return "";
    }
    const { tag, cuts } = scanScript(held.text);
    if (tag) {
      this.found(tag);
      const kept = held.attributes.filter(([n]) => n !== "type" && n !== "data-consentry");
      return `${openTag("script", [...kept, ["type", "text/plain"], ["data-consentry", tag.category]])}${held.text}</script>`;
    }
    if (!cuts?.length) return whole(held.text);
    let text = "";
    let from = 0;
    for (const [at, tracker] of cuts) {
      this.found(tracker);
      text += `${held.text.slice(from, at)}data:,//`;
      from = at;
    }
    return whole(text + held.text.slice(from));
  }
}

function rewriter(page) {
  const onHeldText = {
    text(chunk) {
      if (!page.held) return;
      page.held.text += chunk.text;
      chunk.remove();
    },
  };
  return new HTMLRewriter()
    .on("head", {
      element(el) {
        if (!page.headDone) {
          page.headDone = true;
          el.prepend(HEAD_HTML, { html: true });
        }
      },
    })
    .on("script", {
      element(el) {
        if (!page.headDone) {
          page.headDone = true;
          el.before(HEAD_HTML, { html: true });
        }
        const type = el.getAttribute("type");
        if (!isJavaScript(type)) return;
        const src = el.getAttribute("src");
        if (src === null) return page.hold(el, "script");
        const tracker = trackerForUrl(src);
        if (!tracker) return;
        page.found(tracker);
        if (type !== null) el.setAttribute("data-consentry-type", type);
        el.setAttribute("type", "text/plain");
        el.setAttribute("data-consentry", tracker.category);
      },
      ...onHeldText,
    })
    .on("noscript", { element: (el) => page.hold(el, "noscript"), ...onHeldText })
    .on("iframe", {
      element(el) {
        const src = el.getAttribute("src");
        const srcTracker = src && trackerForUrl(src);
        const lazyName = LAZY_FRAME.find((n) => el.hasAttribute(n));
        const lazyTracker = lazyName && trackerForUrl(el.getAttribute(lazyName));
        const tracker = srcTracker || lazyTracker;
        if (!tracker) return;
        page.found(tracker);
        if (srcTracker) {
          el.setAttribute("data-consentry-src", src);
          el.removeAttribute("src");
        }
        if (lazyTracker) {
          if (!srcTracker) el.setAttribute("data-consentry-src", el.getAttribute(lazyName));
          el.removeAttribute(lazyName);
        }
        el.setAttribute("data-consentry", tracker.category);
        el.setAttribute("srcdoc", placeholder(tracker.vendor).replaceAll("&", "&amp;"));
      },
    })
    .on('img[data-consentry], img[src*="//"], img[src*="idsite="], img[data-src*="//"], img[data-lazy-src*="//"]', {
      element(el) {
        const src = el.getAttribute("src");
        let tracker = src && trackerForUrl(src);
        for (const name of ["srcset", ...LAZY_IMAGE]) {
          if (tracker) break;
          const value = el.getAttribute(name);
          if (value === null) continue;
          const urls = name.endsWith("srcset") ? value.split(",").map((c) => c.trim().split(/\s+/)[0]) : [value];
          tracker = urls.map(trackerForUrl).find(Boolean);
        }
        if (!tracker) return;
        page.found(tracker);
        const lazy = ["data-src", "data-lazy-src"].map((n) => el.getAttribute(n)).find((v) => v !== null);
        const placeholderSrc = src !== null && src.trimStart().startsWith("data:");
        const held = lazy ?? (placeholderSrc ? null : src);
        if (held !== null) el.setAttribute("data-consentry-src", held);
        if (!placeholderSrc) el.removeAttribute("src");
        for (const name of ["srcset", ...LAZY_IMAGE]) el.removeAttribute(name);
        el.setAttribute("data-consentry", tracker.category);
      },
    })
    .on('link[rel][href*="//"]', {
      element(el) {
        const loads = el.getAttribute("rel").toLowerCase().split(/\s+/).some((r) => LOADING_RELS.has(r));
        if (loads && trackerForUrl(el.getAttribute("href") ?? "")) el.remove();
      },
    })
    .on("meta", {
      element(el) {
        if (el.getAttribute("http-equiv")?.trim().toLowerCase() !== "content-security-policy") return;
        const content = el.getAttribute("content");
        if (content && /script-src/.test(content)) {
          el.setAttribute("content", content.replace(/script-src/, `script-src ${HEAD_HASH}`));
        }
      },
    })
    .on("body", {
      element(el) {
        if (page.bodyDone) return;
        el.onEndTag((end) => {
          if (!page.bodyDone) end.before(page.banner(), { html: true });
        });
      },
    })
    .onDocument({
      end(end) {
        if (page.held) {
          end.append(openTag(page.held.tag, page.held.attributes) + page.held.text, { html: true });
          page.held = null;
        }
        if (!page.bodyDone) end.append(page.banner(), { html: true });
      },
    });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    const cookie = headers.get("cookie");
    if (cookie) {
      const kept = cookie.split(";").filter((c) => !isTrackerCookie(c.split("=")[0].trim()));
      if (kept.length) headers.set("cookie", kept.join(";"));
      else headers.delete("cookie");
    }
    const response = await fetch(new URL(url.pathname + url.search, env.ORIGIN), {
      method: request.method,
      headers,
      body: request.body,
      redirect: "manual",
    });
    const out = new Headers(response.headers);
    out.delete("set-cookie");
    for (const c of response.headers.getSetCookie()) {
      if (!isTrackerCookie(c.slice(0, c.indexOf("=")).trim())) out.append("set-cookie", c);
    }
    const answer = new Response(response.body, { status: response.status, statusText: response.statusText, headers: out });
    const type = out.get("content-type") ?? "";
    if (request.method !== "GET" || !/^text\/html/i.test(type)) return answer;
    return rewriter(new Page(url.pathname + url.search)).transform(answer);
  },
};
