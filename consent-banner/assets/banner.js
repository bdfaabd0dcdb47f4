(function () {
  "use strict";
  var root = document.getElementById("consentry");
  if (!root) return;
  var form = root.querySelector("form");
  function openSettings(ev) {
    if (ev) ev.preventDefault();
    if (root.tagName === "DETAILS") root.open = true;
    var details = form && form.querySelector("details");
    if (details) details.open = true;
    var first = form && form.querySelector("input:not([disabled]),button");
    if (first) first.focus();
  }
  document.addEventListener("click", function (ev) {
    var link = ev.target && ev.target.closest && ev.target.closest('a[href="#consentry-settings"]');
    if (link) openSettings(ev);
  });
  if (!form || !window.fetch) return;
  function postWithoutScript(action) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "action";
    field.value = action;
    form.appendChild(field);
    form.submit();
  }
  form.addEventListener("submit", function (ev) {
    var button = ev.submitter;
    if (!button || !button.value) return;
    ev.preventDefault();
    var categories = [];
    if (button.value === "custom") {
      form.querySelectorAll("input[type=checkbox][name]").forEach(function (box) {
        if (box.checked) categories.push(box.name);
      });
    }
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: button.value, categories: categories })
    }).then(function (res) {
      if (res.ok) location.reload();
      else postWithoutScript(button.value);
    }, function () { postWithoutScript(button.value); });
  });
})();
