// Notes save as you type (htmx). This file only tells the person what is happening:
// "Saving…" while a save is under way, and a clear "not saved" when Headway cannot be
// reached, leaving the text where it is.
(function () {
  function status(form) {
    return form.querySelector(".save-state");
  }
  function show(form, text, state) {
    var element = status(form);
    if (!element) return;
    element.textContent = text;
    element.classList.remove("saved", "failed");
    if (state) element.classList.add(state);
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest && event.target.closest(".notes-form");
    if (form) show(form, form.dataset.saving, null);
  });
  ["htmx:sendError", "htmx:responseError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var form = event.target.closest && event.target.closest(".notes-form");
      if (form) show(form, form.dataset.failed, "failed");
    });
  });
})();
