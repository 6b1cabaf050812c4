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

  // Amount rule: show only the inputs of the chosen way of setting the amount.
  for (const section of document.querySelectorAll(".amount-rule")) {
    const sync = () => {
      const checked = section.querySelector("input[name=amount_mode]:checked");
      const mode = checked ? checked.value : "none";
      for (const block of section.querySelectorAll("[data-modes]")) {
        block.hidden = !block.dataset.modes.split(" ").includes(mode);
      }
    };
    section.addEventListener("change", sync);
    sync();
  }
});
