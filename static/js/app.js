// Progressive enhancement only: every page works without this file.
// Loaded as a module from a static file (no inline script, for a strict CSP).
import { initAll as initGovukFrontend } from "../vendor/govuk/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "../vendor/moj/moj-frontend.min.js";

// GOV.UK Frontend styles its components for JavaScript only under these classes,
// which its own page template sets with an inline script.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovukFrontend();
initMojFrontend();

// Type-ahead filters (GOV.UK accessible-autocomplete, loaded before this module).
// Without JavaScript they are a plain <select> (commissioner, funding stream) or a
// plain text input that takes a name (provider); the query string is the same.
function enhanceAutocompletes(scope) {
  const autocomplete = window.accessibleAutocomplete;
  if (typeof autocomplete !== "function") {
    return;
  }
  for (const field of scope.querySelectorAll('[data-module="app-autocomplete"]')) {
    const id = field.id;
    const describedBy = field.getAttribute("aria-describedby");
    const hasError = /--error/.test(field.className);
    if (field.tagName === "SELECT") {
      enhanceSelect(autocomplete, field);
    } else {
      enhanceInput(autocomplete, field, hasError);
    }
    // The enhanced input keeps the hint and error the plain field was described by.
    const input = document.getElementById(id);
    if (input && describedBy) {
      const own = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", [describedBy, own].filter(Boolean).join(" "));
    }
  }
}

function enhanceSelect(autocomplete, select) {
  const id = select.id;
  autocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: "",
    showAllValues: true,
    dropdownArrow: () => "",
    tNoResults: () => "No matches",
  });
  // The select, now hidden, is what the form sends: clearing the text clears the filter.
  const input = document.getElementById(id);
  if (input) {
    input.addEventListener("input", () => {
      if (input.value.trim() === "") {
        select.value = "";
      }
    });
  }
}

function enhanceInput(autocomplete, input, hasError) {
  const container = document.createElement("div");
  input.insertAdjacentElement("afterend", container);
  const url = input.dataset.suggestUrl;
  const { id, name, value } = input;
  input.remove();
  autocomplete({
    element: container,
    id,
    name,
    defaultValue: value,
    minLength: 2,
    autoselect: false,
    showNoOptionsFound: true,
    inputClasses: hasError ? "govuk-input--error" : "",
    tNoResults: () => "No provider has that in its name",
    source: (query, populate) => {
      fetch(`${url}?q=${encodeURIComponent(query)}`, { headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : { names: [] }))
        .then((data) => populate(data.names))
        .catch(() => populate([]));
    },
  });
}

enhanceAutocompletes(document);

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
  enhanceAutocompletes(added);
  const heading = added.querySelector("[data-focus-after-swap]");
  if (heading && !added.querySelector(".govuk-error-summary")) {
    heading.focus({ preventScroll: true });
  }
});
