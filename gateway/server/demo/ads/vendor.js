// A stand-in ad vendor of the demo (vendor 1 of its Global Vendor List). Consentry keeps it
// inert until the visitor's choice gives the vendor consent; once it runs it reads consent
// through __tcfapi, as a TCF vendor does, and writes what it read on the page.
(function () {
  window.standInVendorRan = true;
  if (!window.__tcfapi) { return; }
  window.__tcfapi("addEventListener", 2, function (tcData, success) {
    if (!success) { return; }
    var consented = tcData.vendor && tcData.vendor.consents && tcData.vendor.consents["1"];
    var text = "vendor 1 ran; " + tcData.eventStatus + "; consent for vendor 1: " + consented +
      "; gdprApplies: " + tcData.gdprApplies;
    var show = function () {
      var log = document.getElementById("vendor-log");
      if (log) { log.textContent = text; }
    };
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", show);
    } else {
      show();
    }
  });
})();
