// Questionnaires: save each answer the moment it is tapped. Progressive enhancement: without
// this script every page still saves its answers when she presses Continue.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-autosave");
  var token = form.querySelector("input[name=csrf_token]").value;
  var pending = {};  // item id -> value not yet acknowledged

  function status(item, text, failed) {
    var box = form.querySelector('[data-status-for="' + item + '"]');
    if (!box) { return; }
    box.textContent = text;
    box.classList.toggle("nhsuk-error-message", !!failed);
  }

  function save(item, value) {
    pending[item] = value;
    var body = new URLSearchParams({ item: item, value: value, csrf_token: token });
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok && data.ok) {
          if (pending[item] === value) { delete pending[item]; }
          status(item, form.getAttribute("data-saved-text"), false);
        } else if (response.status === 503) {
          // The service is away for a while: keep the answer and try again later.
          status(item, data.error || form.getAttribute("data-failed-text"), true);
          retryLater();
        } else {
          delete pending[item];
          status(item, data.error || form.getAttribute("data-failed-text"), true);
        }
      });
    }).catch(function () {
      status(item, form.getAttribute("data-failed-text"), true);
    });
  }

  var retries = 0, retryTimer = null;
  function retryLater() {
    if (retryTimer || retries >= 20) { return; }
    retries += 1;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      Object.keys(pending).forEach(function (item) { save(item, pending[item]); });
    }, 15000);
  }

  // Answer fields are named item-<id> (instruments.FIELD_PREFIX).
  function itemOf(input) {
    return input.name.indexOf("item-") === 0 ? input.name.slice(5) : null;
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    var item = itemOf(input);
    if (item && (input.type !== "radio" || input.checked)) { save(item, input.value); }
  });

  window.addEventListener("online", function () {
    Object.keys(pending).forEach(function (item) { save(item, pending[item]); });
  });
})();
