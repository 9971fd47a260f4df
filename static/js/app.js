// Progressive enhancement only: every page works without this file.
// Loaded as a module from a static file (no inline script, for a strict CSP).
import { initAll as initGovukFrontend } from "../vendor/govuk/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "../vendor/moj/moj-frontend.min.js";

// GOV.UK Frontend styles its components for JavaScript only under these classes,
// which its own page template sets with an inline script.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovukFrontend();
initMojFrontend();

// A filter form sends every field; leave the empty ones out of the request so
// the URL htmx pushes stays as short as the filters actually set.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get") {
    return;
  }
  const parameters = event.detail.formData || event.detail.parameters;
  if (!parameters || typeof parameters.entries !== "function") {
    return;
  }
  for (const [name, value] of Array.from(parameters.entries())) {
    if (value === "") {
      parameters.delete(name);
    }
  }
});

// Content htmx swaps in (the register's filters and results): start its GOV.UK
// components, and move focus to the results heading so screen reader users hear
// the update. An error summary focuses itself when it starts.
document.addEventListener("htmx:load", (event) => {
  const added = event.detail.elt;
  if (!added || added === document.body) {
    return;
  }
  initGovukFrontend({ scope: added });
  const heading = added.querySelector("[data-focus-after-swap]");
  if (heading && !added.querySelector(".govuk-error-summary")) {
    heading.focus({ preventScroll: true });
  }
});
