// Consentry's IAB CMP APIs: `__tcfapi` (TCF v2.3) and `__gpp` (GPP v1.1). The stub inlined at
// the start of <head> queues calls until this deferred script replaces it; the gateway writes
// the visitor's consent as JSON in <script type="application/json" id="consentry-tcf">, and
// banner.js hands on the gateway's answer to a decision in its "consentry:consent" event.
// This script reads and reports; it writes no cookie (the gateway sets euconsent-v2).
(function (w, d) {
  "use strict";
  var T = w.__tcfapi, G = w.__gpp;
  var tcfQueue = (T && T.a) || [], gppQueue = (G && G.queue) || [];
  // GPP listeners the stub registered (it already told them "listenerRegistered").
  var gppListeners = ((G && G.events) || []).slice();
  var gppLast = (G && G.lastId) || 0;
  var stubbed = !!(T && T.a);
  var listeners = [], lastId = 0;
  var data, status = "loaded";
  try {
    data = JSON.parse(d.getElementById("consentry-tcf").textContent);
  } catch (e) { data = null; }
  if (!data || typeof data !== "object") { data = {}; status = "error"; }
  // The banner asks on this page until the visitor decides.
  var visible = !!data.bannerShown && !data.decided;
  var eventStatus = visible ? "cmpuishown" : "tcloaded";
  var signal = "not ready";

  function isFn(f) { return typeof f === "function"; }
  function copy(o) { return o === undefined ? null : JSON.parse(JSON.stringify(o)); }
  function gppData() { return data.gpp || {}; }
  function has(o, k) { return !!o && typeof o === "object" && Object.prototype.hasOwnProperty.call(o, k); }

  // A vendor's callback that throws must not stop the others: its error is thrown later.
  function call(cb, a, b) {
    try { cb(a, b); } catch (e) { setTimeout(function () { throw e; }); }
  }

  // ---- TCF ----

  function ping() {
    return {
      gdprApplies: data.gdprApplies,
      cmpLoaded: true,
      cmpStatus: status,
      displayStatus: visible ? "visible" : "hidden",
      apiVersion: "2.3",
      cmpVersion: data.cmpVersion,
      cmpId: data.cmpId,
      gvlVersion: data.gvlVersion,
      tcfPolicyVersion: data.tcfPolicyVersion
    };
  }

  // { id: bool } of `ids` only, every one of them present (false unless true in `from`).
  function only(from, ids) {
    var out = {};
    ids.forEach(function (id) { out[id] = !!(from && from[id] === true); });
    return out;
  }

  function pair(o) {
    return { consents: copy((o && o.consents) || {}), legitimateInterests: copy((o && o.legitimateInterests) || {}) };
  }

  // The TCData object; where GDPR does not apply, only what the CMP API says it then holds.
  function tcData(listenerId, vendorIds) {
    var t = {
      tcfPolicyVersion: data.tcfPolicyVersion,
      cmpId: data.cmpId,
      cmpVersion: data.cmpVersion,
      gdprApplies: data.gdprApplies,
      eventStatus: eventStatus,
      cmpStatus: status,
      listenerId: listenerId
    };
    if (data.gdprApplies !== true) return t;
    var vendor = data.vendor || {}, publisher = data.publisher || {};
    t.tcString = data.tcString || "";
    t.isServiceSpecific = data.isServiceSpecific !== false;
    t.useNonStandardTexts = !!data.useNonStandardTexts;
    t.publisherCC = data.publisherCC || "AA";
    t.purposeOneTreatment = !!data.purposeOneTreatment;
    t.purpose = pair(data.purpose);
    t.vendor = pair(vendor);
    if (vendor.disclosedVendors) t.vendor.disclosedVendors = copy(vendor.disclosedVendors);
    if (vendorIds) {
      t.vendor.consents = only(vendor.consents, vendorIds);
      t.vendor.legitimateInterests = only(vendor.legitimateInterests, vendorIds);
      if (vendor.disclosedVendors) t.vendor.disclosedVendors = only(vendor.disclosedVendors, vendorIds);
    }
    t.specialFeatureOptins = copy(data.specialFeatureOptins || {});
    t.publisher = pair(publisher);
    t.publisher.customPurpose = pair(publisher.customPurpose);
    t.publisher.restrictions = copy(publisher.restrictions || {});
    return t;
  }

  // Version 0, null or undefined means the latest, which is 2; anything else but 2 fails.
  function versionOk(v) { return v === undefined || v === null || v === 0 || v === 2 || v === "2"; }

  function tcfapi(command, version, callback, parameter) {
    if (!isFn(callback)) return;
    if (command === "ping") return call(callback, ping(), true);
    if (status === "error" || !versionOk(version)) return call(callback, null, false);
    if (command === "addEventListener") {
      var id = ++lastId;
      listeners.push({ id: id, cb: callback });
      call(callback, tcData(id), true);
    } else if (command === "removeEventListener") {
      var before = listeners.length;
      listeners = listeners.filter(function (l) { return l.id !== parameter; });
      var removed = listeners.length < before;
      call(callback, removed, removed);
    } else if (command === "getTCData") {
      if (parameter === undefined || parameter === null) return call(callback, tcData(), true);
      var ok = Array.isArray(parameter) && parameter.every(function (n) { return typeof n === "number" && n % 1 === 0; });
      if (ok) call(callback, tcData(undefined, parameter), true); else call(callback, null, false);
    } else {
      call(callback, null, false);
    }
  }

  function tcfEvent() {
    listeners.slice().forEach(function (l) { call(l.cb, tcData(l.id), true); });
  }

  // ---- GPP ----

  // "id:prefix" entries of supportedAPIs, as {prefix: id}.
  function prefixes() {
    var out = {};
    (gppData().supportedAPIs || []).forEach(function (api) {
      var m = /^(\d+):(.+)$/.exec(String(api));
      if (m) out[m[2]] = +m[1];
    });
    return out;
  }

  function sections() { return gppData().parsedSections || {}; }

  // The ids of the sections the GPP string holds: the gateway's list, else the supported APIs
  // whose section it parsed.
  function sectionList() {
    var g = gppData(), ids = prefixes(), out = [];
    if (Array.isArray(g.sectionList)) return g.sectionList.slice();
    Object.keys(sections()).forEach(function (p) { if (has(ids, p)) out.push(ids[p]); });
    return out.sort(function (a, b) { return a - b; });
  }

  function gppPing() {
    var g = gppData();
    return {
      gppVersion: g.gppVersion || "1.1",
      cmpStatus: status,
      cmpDisplayStatus: visible ? "visible" : "hidden",
      signalStatus: signal,
      supportedAPIs: (g.supportedAPIs || []).slice(),
      cmpId: data.cmpId || 0,
      sectionList: sectionList(),
      applicableSections: (g.applicableSections || [-1]).slice(),
      gppString: g.gppString || "",
      parsedSections: copy(sections())
    };
  }

  function gppEvent(l, name, value) {
    call(l.callback, { eventName: name, listenerId: l.id, data: value, pingData: gppPing() }, true);
  }

  function gppEmit(name, value) {
    gppListeners.slice().forEach(function (l) { gppEvent(l, name, value); });
  }

  // getField's "prefix.Field": the field of the section's first sub-section that has it.
  function field(path) {
    var dot = String(path).indexOf(".");
    if (dot < 0) return null;
    var section = sections()[path.slice(0, dot)], name = path.slice(dot + 1);
    var parts = Array.isArray(section) ? section : [section];
    for (var i = 0; i < parts.length; i++) if (has(parts[i], name)) return copy(parts[i][name]);
    return null;
  }

  function gpp(command, callback, parameter) {
    if (command === "ping") {
      var p = gppPing();
      if (isFn(callback)) call(callback, p, true);
      return p;
    }
    if (!isFn(callback)) return;
    if (status === "error") return call(callback, null, false);
    if (command === "addEventListener") {
      var l = { id: ++gppLast, callback: callback, parameter: parameter };
      gppListeners.push(l);
      gppEvent(l, "listenerRegistered", true);
      if (signal === "ready") gppEvent(l, "signalStatus", "ready");
    } else if (command === "removeEventListener") {
      var before = gppListeners.length;
      gppListeners = gppListeners.filter(function (x) { return x.id !== +parameter; });
      var removed = gppListeners.length < before;
      call(callback, { eventName: "listenerRemoved", listenerId: parameter, data: removed, pingData: gppPing() }, true);
    } else if (command === "hasSection") {
      call(callback, has(sections(), parameter), true);
    } else if (command === "getSection") {
      call(callback, has(sections(), parameter) ? copy(sections()[parameter]) : null, true);
    } else if (command === "getField") {
      call(callback, field(parameter), true);
    } else {
      call(callback, null, false);
    }
  }

  // ---- In place of the stubs ----

  // Without the stub (it is inlined where this script is loaded), the frames and the
  // postMessage proxy that vendors in iframes look for are set up here.
  function locate(name) {
    if (w.frames[name]) return;
    var f = d.createElement("iframe");
    f.style.display = "none";
    f.name = name;
    (d.body || d.documentElement).appendChild(f);
  }

  w.__tcfapi = tcfapi;
  w.__gpp = gpp;
  if (!stubbed) {
    w.addEventListener("message", function (e) {
      var j = e.data, s = typeof j === "string", c;
      try { if (s) j = JSON.parse(j); } catch (x) { return; }
      if (!j || !e.source) return;
      function reply(n) {
        return function (a, o) {
          var m = {};
          m[n + "Return"] = { returnValue: a, success: o, callId: c.callId };
          e.source.postMessage(s ? JSON.stringify(m) : m, "*");
        };
      }
      if ((c = j.__tcfapiCall)) tcfapi(c.command, c.version, reply("__tcfapi"), c.parameter);
      else if ((c = j.__gppCall)) gpp(c.command, reply("__gpp"), c.parameter, c.version);
    });
  }
  locate("__tcfapiLocator");
  locate("__gppLocator");

  // Calls made to the stubs, answered in the order they were made.
  tcfQueue.forEach(function (args) { tcfapi.apply(null, [].slice.call(args)); });
  gppEmit("cmpStatus", status);
  if (visible) gppEmit("cmpDisplayStatus", "visible");
  if (status === "loaded") {
    signal = "ready";
    gppEmit("signalStatus", "ready");
  }
  gppQueue.forEach(function (args) { gpp.apply(null, [].slice.call(args)); });

  // ---- A decision ----

  // banner.js posted the visitor's choice; the gateway's answer carries the new TC data.
  d.addEventListener("consentry:consent", function (ev) {
    var answer = ev.detail && ev.detail.answer, next = answer && answer.tcf;
    var was = visible;
    signal = "not ready";
    gppEmit("signalStatus", "not ready");
    if (next && typeof next === "object") {
      for (var k in next) if (has(next, k)) data[k] = next[k];
      status = "loaded";
    }
    data.decided = true;
    visible = false;
    eventStatus = "useractioncomplete";
    if (was) gppEmit("cmpDisplayStatus", "hidden");
    if (next && next.gpp) Object.keys(sections()).forEach(function (p) { gppEmit("sectionChange", p); });
    signal = "ready";
    gppEmit("signalStatus", "ready");
    tcfEvent();
  });
})(window, document);
