/* Repairs to Dash 4's own markup that axe-core finds on every page (tests/browser/axe.py).
   Each repair says which component it mends; when Dash mends it, the repair finds nothing
   to do. Runs on every change to the page, as Dash draws and redraws.

   - Checklist and RadioItems (not a Dropdown's menu, which is a real listbox) draw a
     "listbox" whose "options" hold real checkboxes and radio buttons (axe: nested-interactive, aria-input-field-name). They are what they
     look like: a group of native inputs. The group is named by its fieldset's legend, or
     by the title just before it.
   - Dropdown keeps a hidden read-only input as its tab stop, which hands focus on to the
     dropdown's button (axe: aria-hidden-focus). The button takes the tab stop itself.
   - DatePickerRange puts a popup button's ARIA (and a label naming ids that do not exist)
     on the plain box around its two date inputs (axe: aria-allowed-attr). The inputs are
     the controls, each with its own label; the box keeps none of it.
   - Leaflet's zoom buttons and its own link, and the step buttons of Dash's number inputs,
     are titled in English whatever the page's language; the page carries its words for them
     (#library-words, components/shell.py). */
(function () {
  let counter = 0;

  function idOf(el) {
    if (!el.id) { el.id = `a11y-name-${++counter}`; }
    return el.id;
  }

  function groupName(list) {
    const fieldset = list.closest("fieldset");
    const legend = fieldset && fieldset.querySelector(":scope > legend");
    if (legend) { return legend; }
    const before = list.previousElementSibling;
    if (before && before.matches("h1, h2, h3, h4, label, .legend-title, .admin-label")) {
      return before;
    }
    return null;
  }

  function mendOptionLists(root) {
    root.querySelectorAll('.dash-options-list[role="listbox"]').forEach(list => {
      if (list.closest(".dash-dropdown-content")) { return; }  // a Dropdown's menu: a listbox
      list.setAttribute("role", "group");
      const name = groupName(list);
      if (name) { list.setAttribute("aria-labelledby", idOf(name)); }
      list.querySelectorAll('[role="option"]').forEach(option => {
        option.removeAttribute("role");
        option.removeAttribute("aria-selected");
      });
    });
  }

  function mendDropdowns(root) {
    root.querySelectorAll('.dash-dropdown-focus-target[aria-hidden="true"]').forEach(input => {
      if (input.tabIndex !== -1) { input.tabIndex = -1; }
      const button = input.nextElementSibling;
      if (button && button.tagName === "BUTTON" && !button.disabled && button.tabIndex !== 0) {
        button.tabIndex = 0;
      }
    });
  }

  const POPUP_ARIA = ["aria-haspopup", "aria-expanded", "aria-disabled", "aria-labelledby"];

  function mendDatePickers(root) {
    root.querySelectorAll(".dash-datepicker-input-wrapper:not([role])").forEach(box => {
      POPUP_ARIA.forEach(name => {
        if (box.hasAttribute(name)) { box.removeAttribute(name); }
      });
    });
  }

  let libraryWords = null;

  function mendLibraryWords(root) {
    if (libraryWords === null) {
      const holder = document.getElementById("library-words");
      if (!holder) { return; }
      try { libraryWords = JSON.parse(holder.dataset.words || "{}"); } catch (e) { libraryWords = {}; }
    }
    if (!Object.keys(libraryWords).length) { return; }
    root.querySelectorAll(".leaflet-control-container [title], .dash-input-stepper")
      .forEach(el => {
        for (const name of ["title", "aria-label"]) {
          const word = libraryWords[el.getAttribute(name)];
          if (word) { el.setAttribute(name, word); }
        }
      });
  }

  function mend() {
    mendLibraryWords(document);
    mendOptionLists(document);
    mendDropdowns(document);
    mendDatePickers(document);
  }

  // In the observer's own turn (a microtask after Dash's change), so nothing else reads the
  // page between Dash drawing it and the repair; the repair's own changes are not seen again.
  const observer = new MutationObserver(() => {
    mend();
    observer.takeRecords();
  });
  document.addEventListener("DOMContentLoaded", () => {
    mend();
    observer.observe(document.body, {childList: true, subtree: true, attributes: true,
                                     attributeFilter: ["role", "tabindex", ...POPUP_ARIA]});
  });
})();
