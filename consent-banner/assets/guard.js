/* Consentry guard: what scripts build at run time towards trackers waits for consent too. */
(function (d, w, data) {
  "use strict";
  // The categories granted, from the gateway, then from the banner when the visitor decides.
  var me = d.currentScript;
  var granted = ((me && me.getAttribute("data-granted")) || "").split(" ");
  d.addEventListener("consentry:consent", function (ev) {
    if (ev.detail && ev.detail.granted) granted = [].concat(ev.detail.granted);
  });

  // Host -> category; "" marks an exception (a necessary host below a tracker's domain).
  var hosts = Object.create(null);
  var cats = data.h || {};
  Object.keys(cats).forEach(function (c) {
    cats[c].split(" ").forEach(function (h) { if (h) hosts[h] = c; });
  });
  (data.x || "").split(" ").forEach(function (h) { if (h) hosts[h] = ""; });
  var paths = data.p || [], allow = data.a || [];
  var rank = { necessary: 0, preferences: 1, analytics: 2, marketing: 3 };
  var nameChar = /[A-Za-z0-9_-]/, alnum = /[a-z0-9]/;

  function under(host, domain) {
    return host === domain || host.slice(-domain.length - 1) === "." + domain;
  }

  // Whether a path signature's hosts ("" any, "name.*" a label, else a domain) cover `host`
  // (null for the page's own origin).
  function covers(on, host) {
    if (!on) return true;
    if (host === null) return false;
    if (on.slice(-2) === ".*") return host.split(".").indexOf(on.slice(0, -2)) >= 0;
    return under(host, on);
  }

  // Whether `pat` (lowercase) occurs in `text` (lowercase) where a name starts and ends.
  function found(text, pat) {
    for (var i = text.indexOf(pat); i >= 0; i = text.indexOf(pat, i + 1)) {
      var end = i + pat.length;
      if (alnum.test(pat.charAt(0)) && i > 0 && nameChar.test(text.charAt(i - 1))) continue;
      if (alnum.test(pat.charAt(pat.length - 1)) && end < text.length && nameChar.test(text.charAt(end))) continue;
      return true;
    }
    return false;
  }

  // The host's tracker category, walking up to parent domains: the most specific entry decides.
  function byHost(h) {
    for (;;) {
      if (h in hosts) return hosts[h] || null;
      var i = h.indexOf(".");
      if (i < 0 || h.indexOf(".", i + 1) < 0) return null;
      h = h.slice(i + 1);
    }
  }

  // The category of what `url` points at, decided as the gateway decides it: the site's
  // allowlist, a path signature of the host (a necessary one is an exception), the host,
  // a path signature of any host. Null when it is no tracker.
  function category(url) {
    var u;
    try { u = new URL(String(url), d.baseURI); } catch (e) { return null; }
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    var host = u.host === location.host ? null : u.hostname.replace(/\.$/, "");
    var rest = u.pathname + u.search, low = rest.toLowerCase();
    for (var a = 0; a < allow.length; a++) {
      var s = allow[a].indexOf("/"), ah = s < 0 ? allow[a] : allow[a].slice(0, s), ap = s < 0 ? "" : allow[a].slice(s);
      if ((!ah || (host !== null && under(host, ah))) && low.slice(0, ap.length) === ap.toLowerCase()) return null;
    }
    var onHost = null, anywhere = null;
    for (var p = 0; p < paths.length; p++) {
      var sig = paths[p];
      if (!covers(sig[1], host) || !found(low, sig[0])) continue;
      if (sig[2] === "necessary") return null;
      if (sig[1]) { if (!onHost || rank[sig[2]] > rank[onHost]) onHost = sig[2]; }
      else if (!anywhere || rank[sig[2]] > rank[anywhere]) anywhere = sig[2];
    }
    return onHost || (host !== null && byHost(host)) || anywhere;
  }

  // The category `url` needs that the visitor has not granted, or null.
  function blocked(url) {
    var c = category(url);
    return c && granted.indexOf(c) < 0 ? c : null;
  }

  // A srcset is blocked when any of its addresses is.
  function blockedSet(set) {
    var parts = String(set).split(",");
    for (var i = 0; i < parts.length; i++) {
      var c = blocked(parts[i].trim().split(/\s+/)[0]);
      if (c) return c;
    }
    return null;
  }

  var setAttr = Element.prototype.setAttribute;
  var getAttr = Element.prototype.getAttribute;
  var hasAttr = Element.prototype.hasAttribute;

  // A script the guard holds: its address kept aside and none set.
  function heldScript(el) {
    return el.tagName === "SCRIPT" && hasAttr.call(el, "data-consentry-src") && !hasAttr.call(el, "src");
  }

  // Holds back an element's address as the gateway does in the page: kept in
  // data-consentry-src, the category in data-consentry, a script made text/plain; the
  // banner switches it on after consent. A tracker's srcset is dropped. True when held.
  // The category the site or the gateway marked an element with is the one that counts.
  function hold(el, name, value) {
    var mark = getAttr.call(el, "data-consentry");
    var c = mark ? (granted.indexOf(mark) < 0 && mark !== "necessary" ? mark : null)
      : name === "srcset" ? blockedSet(value) : blocked(value);
    if (!c) return false;
    if (name === "srcset") return true;
    setAttr.call(el, "data-consentry", c);
    setAttr.call(el, "data-consentry-src", String(value));
    if (el.tagName === "SCRIPT") {
      var type = getAttr.call(el, "type");
      if (type !== "text/plain") {
        if (type) setAttr.call(el, "data-consentry-type", type);
        setAttr.call(el, "type", "text/plain");
      }
    }
    return true;
  }

  function wrapProperty(proto, prop) {
    var desc = proto && Object.getOwnPropertyDescriptor(proto, prop);
    if (!desc || !desc.set) return;
    Object.defineProperty(proto, prop, {
      configurable: true,
      enumerable: desc.enumerable,
      get: desc.get,
      set: function (v) {
        if (prop !== "type") {
          if (!hold(this, prop, v)) desc.set.call(this, v);
        } else if (heldScript(this)) {
          setAttr.call(this, "data-consentry-type", v);
        } else {
          desc.set.call(this, v);
        }
      }
    });
  }
  wrapProperty(w.HTMLScriptElement && HTMLScriptElement.prototype, "src");
  wrapProperty(w.HTMLScriptElement && HTMLScriptElement.prototype, "type");
  wrapProperty(w.HTMLIFrameElement && HTMLIFrameElement.prototype, "src");
  wrapProperty(w.HTMLImageElement && HTMLImageElement.prototype, "src");
  wrapProperty(w.HTMLImageElement && HTMLImageElement.prototype, "srcset");

  // Frameworks set attributes all the time: any other element passes after one look.
  var tags = { SCRIPT: 1, IFRAME: 1, IMG: 1 };
  Element.prototype.setAttribute = function (name, value) {
    if (tags[this.tagName] === 1) {
      var n = String(name).toLowerCase();
      if (n === "src" || (n === "srcset" && this.tagName === "IMG")) {
        if (hold(this, n, value)) return;
      } else if (n === "type" && heldScript(this)) {
        return setAttr.call(this, "data-consentry-type", value);
      }
    }
    return setAttr.apply(this, arguments);
  };

  // Requests fail as a network error would, and nothing is sent.
  if (w.fetch) {
    var fetch = w.fetch;
    w.fetch = function (input) {
      var url = input && typeof input === "object" && "url" in input ? input.url : input;
      if (blocked(url)) return Promise.reject(new TypeError("Failed to fetch"));
      return fetch.apply(this, arguments);
    };
  }
  if (w.XMLHttpRequest) {
    var xhr = XMLHttpRequest.prototype, open = xhr.open, send = xhr.send;
    xhr.open = function (method, url) {
      this.__consentryUrl = url;
      return open.apply(this, arguments);
    };
    xhr.send = function () {
      var x = this;
      if (!blocked(x.__consentryUrl)) return send.apply(x, arguments);
      setTimeout(function () {
        x.dispatchEvent(new ProgressEvent("error"));
        x.dispatchEvent(new ProgressEvent("loadend"));
      }, 0);
    };
  }
  if (w.Navigator && Navigator.prototype.sendBeacon) {
    var beacon = Navigator.prototype.sendBeacon;
    Navigator.prototype.sendBeacon = function (url) {
      return blocked(url) ? false : beacon.apply(this, arguments);
    };
  }

  // Markup written into the page: tracker scripts, frames and images held as above.
  function clean(html) {
    return String(html).replace(/<(script|iframe|img)\b[^>]*>/gi, function (tag, name) {
      var m = /\ssrc\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/i.exec(tag);
      if (!m) return tag;
      var c = blocked(m[1].replace(/^["']|["']$/g, "").replace(/&amp;/g, "&"));
      if (!c) return tag;
      tag = tag.replace(m[0], ' data-consentry="' + c + '" data-consentry-src=' + m[1]);
      if (name.toLowerCase() !== "script") return tag;
      return tag.replace(/(\s)type(\s*=)/i, "$1data-consentry-type$2").replace(/^<script/i, '<script type="text/plain"');
    });
  }
  ["write", "writeln"].forEach(function (fn) {
    var orig = d[fn];
    d[fn] = function () {
      return orig.apply(d, [].map.call(arguments, clean));
    };
  });
})(document, window, { /* the catalogue, filled in by the gateway */ });
