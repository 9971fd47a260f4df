// Progressive enhancement only: every page works without this file.
// Loaded as a module from a static file (no inline script, for a strict CSP).
import { initAll as initGovukFrontend } from "../vendor/govuk/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "../vendor/moj/moj-frontend.min.js";

// GOV.UK Frontend styles its components for JavaScript only under these classes,
// which its own template sets with an inline script.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovukFrontend();
initMojFrontend();

// After htmx swaps the register's results in, start any components inside them
// and move focus to the results' heading so screen reader users hear the update.
document.body.addEventListener("htmx:afterSwap", (event) => {
  initGovukFrontend({ scope: event.detail.target });
  const heading = event.detail.target.querySelector("[data-focus-after-swap]");
  if (heading) {
    heading.focus({ preventScroll: true });
  }
});
