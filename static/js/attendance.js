// The register, enhanced: a running tally, and marks kept on the phone until they are saved.
// Without JavaScript the form works the same; this only helps when the Wi-Fi drops.

const form = document.querySelector(".pairs-register-form");

function rows() {
  return Array.from(form.querySelectorAll(".pairs-register__row"));
}

function keyOf(row) {
  return row.id.replace("row-", "");
}

function seenAt(row) {
  const key = keyOf(row);
  const was = form.querySelector(`input[name="was-${key}"]`).value;
  const version = form.querySelector(`input[name="version-${key}"]`).value;
  return `${version}:${was}`;
}

function showTally() {
  const tally = form.querySelector(".pairs-register__tally");
  const all = rows();
  const marked = all.filter((row) => row.querySelector("input[type=radio]:checked")).length;
  tally.textContent = tally.dataset.template
    .replace("{marked}", marked).replace("{total}", all.length);
  tally.hidden = false;
}

function storageKey() {
  return `pairs-register-${form.dataset.session}`;
}

function readDraft() {
  try {
    return JSON.parse(window.localStorage.getItem(storageKey()) || "{}");
  } catch {
    return {};
  }
}

function saveDraft() {
  const draft = {};
  rows().forEach((row) => {
    const checked = row.querySelector("input[type=radio]:checked");
    if (checked) draft[keyOf(row)] = { seen: seenAt(row), value: checked.value };
  });
  try {
    window.localStorage.setItem(storageKey(), JSON.stringify(draft));
  } catch {
    // Private browsing or a full store: the form still works, the draft is just not kept.
  }
}

// A draft mark comes back only onto the very version it was made against, so a mark
// that was saved (new version) or changed by someone else is never overwritten.
function restoreDraft() {
  const draft = readDraft();
  rows().forEach((row) => {
    const entry = draft[keyOf(row)];
    if (!entry || entry.seen !== seenAt(row)) return;
    const radio = Array.from(row.querySelectorAll("input[type=radio]"))
      .find((input) => input.value === entry.value);
    if (radio && !row.classList.contains("pairs-register__row--conflict")) radio.checked = true;
  });
}

if (form) {
  restoreDraft();
  saveDraft();
  showTally();
  form.addEventListener("change", () => {
    saveDraft();
    showTally();
  });
}
