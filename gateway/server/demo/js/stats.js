/* Northwind Coffee Roasters: own analytics. Only runs after analytics consent. */
(function () {
  "use strict";

  var now = Math.floor(Date.now() / 1000);

  function random() {
    return Math.floor(Math.random() * 2147483647) + 1;
  }

  function read(name) {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + name + "=([^;]*)"));
    return match ? match[1] : null;
  }

  function write(name, value, maxAge) {
    document.cookie = name + "=" + value + "; max-age=" + maxAge + "; path=/";
  }

  // Client id: kept if already present, expiry refreshed (2 years).
  write("_ga", read("_ga") || "GA1.1." + random() + "." + now, 63072000);
  // Daily id (24 hours).
  write("_gid", read("_gid") || "GA1.1." + random() + "." + now, 86400);
  // Request throttle (1 minute).
  write("_gat", "1", 60);

  window.__statsLoaded = true;
})();
