/* Consentry banner: the form works without this; with it, a choice applies without a reload. */
(function (d, w) {
  "use strict";
  var root = d.getElementById("consentry");
  if (!root || !root.querySelector) return;
  var form = root.querySelector("form");
  var box = root.querySelector(".cy-box");
  var set = root.querySelector(".cy-set");
  if (!form || !set) return;
  var boxes = [].slice.call(root.querySelectorAll("input[name]:not([type=hidden])"));
  var granted = (root.getAttribute("data-granted") || "").split(" ").filter(Boolean);
  var opener = null;

  function has(list, c) { return list.indexOf(c) >= 0; }
  function manage() { return root.tagName === "DETAILS"; }
  function focus(el) { if (el) el.focus({ preventScroll: manage() }); }

  function openSettings(ev) {
    if (ev) ev.preventDefault();
    if (manage()) root.open = true;
    set.open = true;
    focus(set.querySelector("input:not([disabled])"));
  }

  d.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest('[href="#consentry-settings"]');
    if (a) { opener = a; openSettings(ev); }
  });

  d.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape" || !root.contains(d.activeElement)) return;
    if (set.open && !manage()) {
      set.open = false;
      focus(set.querySelector("summary"));
    } else if (manage() && root.open) {
      root.open = false;
      focus(opener || root.querySelector("summary"));
      opener = null;
    } else if (opener) {
      focus(opener);
    } else {
      d.activeElement.blur();
    }
  });

  // Consent Mode and the dataLayer hear of the choice before any tag it lets run.
  function signal(action, now, answer) {
    var dl = (w.dataLayer = w.dataLayer || []);
    var s = function (c) { return has(now, c) ? "granted" : "denied"; };
    (function () { dl.push(arguments); })("consent", "update", {
      ad_storage: s("marketing"), ad_user_data: s("marketing"), ad_personalization: s("marketing"),
      analytics_storage: s("analytics"), functionality_storage: s("preferences"),
      personalization_storage: s("preferences")
    });
    dl.push({ event: "consentry_consent", consentry: { action: action, granted: ["necessary"].concat(now) } });
    // The runtime guard lets the granted categories through from now on; tcf.js (on a site
    // with TCF) takes the new TC data from the gateway's answer.
    if (w.CustomEvent) d.dispatchEvent(new CustomEvent("consentry:consent", { detail: { granted: now, answer: answer } }));
  }

  // Switches on what the gateway left inert: scripts in document order (each waits for the
  // one before it unless it was async), embeds and images by their kept address. A script
  // the runtime guard held (its address kept aside) is switched on in place, so the handlers
  // its loader gave it still fire.
  function activate(cats) {
    if (!cats.length) return;
    var sel = cats.map(function (c) { return '[data-consentry="' + c + '"]'; }).join(",");
    var scripts = [];
    [].forEach.call(d.querySelectorAll(sel), function (el) {
      var src = el.getAttribute("data-consentry-src");
      if (el.tagName === "SCRIPT" && src && !el.hasAttribute("src")) {
        var type = el.getAttribute("data-consentry-type");
        el.removeAttribute("data-consentry-src");
        el.removeAttribute("data-consentry-type");
        if (type) el.setAttribute("type", type); else el.removeAttribute("type");
        el.setAttribute("src", src);
      } else if (el.tagName === "SCRIPT") {
        if (el.type === "text/plain") scripts.push(el);
      } else if (src) {
        // The address first, then away with the placeholder: removed the other way round, a
        // lazy frame (`loading=lazy` on `about:blank`) sometimes never loads in Chromium.
        el.removeAttribute("data-consentry-src");
        el.setAttribute("src", src);
        el.removeAttribute("srcdoc");
      }
    });
    (function next() {
      var old = scripts.shift();
      if (!old) return;
      var s = d.createElement("script");
      [].forEach.call(old.attributes, function (a) {
        if (a.name !== "type" && a.name !== "data-consentry-type" && a.name !== "src") s.setAttribute(a.name, a.value);
      });
      var type = old.getAttribute("data-consentry-type");
      if (type) s.type = type;
      s.nonce = old.nonce;
      // The address last, once the element carries its category for the runtime guard.
      if (old.hasAttribute("src")) s.setAttribute("src", old.getAttribute("src"));
      var wait = old.src && !old.hasAttribute("async") && !s.hasAttribute("data-consentry-src");
      if (old.src) s.async = false; else s.text = old.text;
      if (wait) s.onload = s.onerror = next;
      old.parentNode.replaceChild(s, old);
      if (!wait) next();
    })();
  }

  // Deletes the script-readable cookies of revoked categories, as listed in the settings,
  // for this host and its parent domains and for this path and its parents.
  function forget(cats) {
    var pats = [];
    cats.forEach(function (c) {
      [].forEach.call(root.querySelectorAll('[data-c="' + c + '"] code'), function (code) {
        pats.push(new RegExp("^" + code.textContent.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*") + "$"));
      });
    });
    var host = location.hostname.split("."), paths = ["/"], p = "";
    location.pathname.split("/").slice(1, -1).forEach(function (seg) { p += "/" + seg; paths.push(p); });
    d.cookie.split(";").forEach(function (pair) {
      var name = pair.split("=")[0].trim();
      if (!name || !pats.some(function (r) { return r.test(name); })) return;
      paths.forEach(function (path) {
        var base = name + "=; Max-Age=0; Path=" + path;
        d.cookie = base;
        for (var i = 0; i < host.length - 1; i++) d.cookie = base + "; Domain=" + host.slice(i).join(".");
      });
    });
  }

  // The banner becomes the "Cookie settings" control, as the gateway renders it after a choice.
  function settle(now) {
    boxes.forEach(function (b) { b.checked = has(now, b.name); });
    root.setAttribute("data-granted", now.join(" "));
    var summary;
    if (manage()) {
      root.open = false;
      summary = root.querySelector("summary");
    } else {
      var det = d.createElement("details");
      [].forEach.call(root.attributes, function (a) { det.setAttribute(a.name, a.value); });
      det.className += " consentry-manage";
      summary = d.createElement("summary");
      summary.className = "cy-manage";
      summary.textContent = root.getAttribute("data-manage");
      det.appendChild(summary);
      while (root.firstChild) det.appendChild(root.firstChild);
      root.parentNode.replaceChild(det, root);
      root = det;
      set.open = true;
      // The opt-out link stays in view beside the control, as the gateway renders it.
      var dns = root.querySelector(".cy-dns");
      if (dns) {
        dns.className = "consentry cy-dns";
        dns.lang = root.lang;
        root.parentNode.insertBefore(dns, root.nextSibling);
      }
    }
    focus(opener || summary);
    opener = null;
    root.querySelector(".cy-live").textContent = root.getAttribute("data-saved");
  }

  function fallback(action) {
    var f = d.createElement("input");
    f.type = "hidden";
    f.name = "action";
    f.value = action;
    form.appendChild(f);
    form.submit();
  }

  if (w.fetch && w.JSON) form.addEventListener("submit", function (ev) {
    var b = ev.submitter, action = b && b.value;
    if (!action) return;
    ev.preventDefault();
    var cats = [];
    if (action === "custom") boxes.forEach(function (x) { if (x.checked) cats.push(x.name); });
    fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: action, categories: cats })
    }).then(function (r) {
      if (!r.ok) throw r;
      return r.json();
    }).then(function (res) {
      var now = (res.granted || []).filter(function (c) { return c !== "necessary"; });
      var added = now.filter(function (c) { return !has(granted, c); });
      var revoked = granted.filter(function (c) { return !has(now, c); });
      granted = now;
      signal(action, now, res);
      if (revoked.length) forget(revoked);
      activate(added);
      settle(now);
    }, function () { fallback(action); });
  });

  if (!manage()) focus(box);
})(document, window);
