// Starts NHS.UK frontend's components: the header menu folds into "More", the error summary
// takes the focus, conditional questions open. Every page works without this script.
// The bundle's fingerprinted address comes from the page, so browsers keep it for a year.
const script = document.querySelector("script[data-nhsuk-frontend]");

// aria-expanded is not allowed on a radio or checkbox (ARIA 1.2; axe fails it), and GOV.UK
// Frontend dropped it from conditional questions after research: take off what NHS.UK adds.
function dropExpandedFromChoices() {
  const selector = ".nhsuk-radios__input[aria-expanded], .nhsuk-checkboxes__input[aria-expanded]";
  document.querySelectorAll(selector).forEach((input) => input.removeAttribute("aria-expanded"));
}

if (script) {
  import(script.dataset.nhsukFrontend).then((nhsuk) => {
    nhsuk.initAll();
    dropExpandedFromChoices();
    // Components are laid out now (the header menu folded into "More"): say so, for tests.
    document.documentElement.dataset.nhsukFrontend = "ready";
    document.addEventListener("change", dropExpandedFromChoices);
    document.addEventListener("click", () => setTimeout(dropExpandedFromChoices, 0));
  });
}
