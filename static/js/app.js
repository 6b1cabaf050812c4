// Progressive enhancement only: every page works without this file (CSP forbids inline script).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.classList.add("js");

  // Language menu: submit on change instead of needing the button.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }

  // Registration: show the USCC field for enterprises and the licence name for institutions.
  for (const form of document.querySelectorAll("form[data-kind-form]")) {
    const sync = () => {
      const checked = form.querySelector("input[name=kind]:checked");
      const audience = checked && checked.value === "enterprise" ? "enterprise" : "institution";
      for (const block of form.querySelectorAll("[data-kind-only]")) {
        block.hidden = block.dataset.kindOnly !== audience;
      }
    };
    form.addEventListener("change", sync);
    sync();
  }
});
