/* Northwind Coffee Roasters: first-party site script. Sets no cookies. */
(function () {
  "use strict";

  function setupNav() {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (!toggle || !nav) {
      return;
    }

    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    }

    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });

    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("is-open")) {
        setOpen(false);
        toggle.focus();
      }
    });

    nav.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) {
        setOpen(false);
      }
    });

    if (window.matchMedia) {
      var wide = window.matchMedia("(min-width: 721px)");
      var onChange = function (e) {
        if (e.matches) {
          setOpen(false);
        }
      };
      if (wide.addEventListener) {
        wide.addEventListener("change", onChange);
      } else if (wide.addListener) {
        wide.addListener(onChange);
      }
    }
  }

  function init() {
    setupNav();
    document.documentElement.dataset.appReady = "1";
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
