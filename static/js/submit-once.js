// A form is sent once: once sent, a second submit of it is ignored and its buttons are
// disabled while the next page loads. Forms sent by htmx are left to htmx, which disables
// their button while their request runs (data-hx-disabled-elt on the page's body). The
// server does the work once anyway (the form's submission key); this spares the wait.
(function () {
  var SENDING = "data-sending";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // htmx stops the browser's own sending of the forms it sends.
    if (event.defaultPrevented || form.method.toLowerCase() !== "post") return;
    if (form.hasAttribute(SENDING)) {
      event.preventDefault();
      return;
    }
    form.setAttribute(SENDING, "");
    // After this event, so that the clicked button's name and value are still sent.
    window.setTimeout(function () {
      form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });

  // Back on a page the browser kept (the back button): its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[" + SENDING + "]").forEach(function (form) {
      form.removeAttribute(SENDING);
      form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
        button.disabled = false;
      });
    });
  });
})();
