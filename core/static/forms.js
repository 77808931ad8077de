// Forms that keep work on a slow phone connection. Loaded on every page (the CSP allows
// no inline script). Without this file every form still works; with it:
// - a plain POST form is sent once: a second tap while the page loads does nothing, and
//   the button shows that it is busy (htmx forms use hx-disabled-elt instead);
// - an htmx upload shows its progress in the form's <progress class="upload-progress">.
(function () {
  "use strict";

  function submitButtons(form) {
    return form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (event.defaultPrevented) return; // htmx (or a confirm dialog) handles it
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    submitButtons(form).forEach(function (button) {
      // Not "disabled": a disabled submitter would drop its name=value from the form.
      button.setAttribute("aria-busy", "true");
      button.setAttribute("aria-disabled", "true");
    });
  });

  // A page restored from the back/forward cache can be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      submitButtons(form).forEach(function (button) {
        button.removeAttribute("aria-busy");
        button.removeAttribute("aria-disabled");
      });
    });
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!(event.target instanceof HTMLFormElement)) return;
    submitButtons(event.target).forEach(function (button) {
      button.setAttribute("aria-busy", "true");
    });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!(event.target instanceof HTMLFormElement)) return;
    submitButtons(event.target).forEach(function (button) { button.removeAttribute("aria-busy"); });
    var bar = event.target.querySelector("progress.upload-progress");
    if (bar) bar.hidden = true;
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target;
    var bar = form instanceof Element ? form.querySelector("progress.upload-progress") : null;
    if (!bar || !event.detail.lengthComputable || !event.detail.total) return;
    bar.hidden = false;
    bar.value = Math.round((100 * event.detail.loaded) / event.detail.total);
  });
})();
