// The register, enhanced: a running tally of what is saved, marks kept on the phone until
// they are, and (for today's registers) the page kept on the phone and the marks sent by
// themselves when the connection comes back. Without JavaScript the form works the same.

const form = document.querySelector(".pairs-register-form");
const SENT_RECENTLY_MS = 30_000; // a send just made is not retried by the page it led to

function rows() {
  return Array.from(form.querySelectorAll(".pairs-register__row"));
}

function keyOf(row) {
  return row.id.replace("row-", "");
}

function field(row, name) {
  return form.querySelector(`input[name="${name}-${keyOf(row)}"]`);
}

function checked(row) {
  return row.querySelector("input[type=radio]:checked");
}

// A mark not sent yet: ticked here, different from what the server had when the page came.
function isPending(row) {
  const choice = checked(row);
  return Boolean(choice) && choice.value !== field(row, "was").value;
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

function writeDraft(draft) {
  try {
    if (Object.keys(draft).length) {
      window.localStorage.setItem(storageKey(), JSON.stringify(draft));
    } else {
      window.localStorage.removeItem(storageKey());
    }
  } catch {
    // Private browsing or a full store: the form still works, the draft is just not kept.
  }
}

// Each mark not sent yet, with the version and mark it was made on: sent later, the server
// compares that version and shows a clash for a family someone else marked meanwhile.
function saveDraft(queue = false) {
  const before = readDraft();
  const draft = {};
  rows().filter(isPending).forEach((row) => {
    const key = keyOf(row);
    draft[key] = {
      version: field(row, "version").value,
      was: field(row, "was").value,
      value: checked(row).value,
      queued: queue || !navigator.onLine || Boolean(before[key] && before[key].queued),
    };
  });
  writeDraft(draft);
  return draft;
}

function tick(row, value) {
  const radio = Array.from(row.querySelectorAll("input[type=radio]"))
    .find((input) => input.value === value);
  if (radio) radio.checked = true;
  return Boolean(radio);
}

// A mark kept on the phone comes back with the version it was made on. It is dropped once the
// server has it, and where the server has just shown a clash or an error for that family
// (her choice is then on the page already, with the newer version).
function restoreDraft() {
  const draft = readDraft();
  rows().forEach((row) => {
    const entry = draft[keyOf(row)];
    row.dataset.saved = field(row, "was").value;
    if (!entry || entry.value === row.dataset.saved) return;
    if (row.matches(".pairs-register__row--conflict, .nhsuk-form-group--error")) return;
    if (tick(row, entry.value)) {
      field(row, "version").value = entry.version;
      field(row, "was").value = entry.was;
    }
  });
}

function showState() {
  const tally = form.querySelector(".pairs-register__tally");
  const all = rows();
  const saved = all.filter((row) => row.dataset.saved).length;
  const pending = all.filter(isPending).length;
  let text = tally.dataset.template.replace("{marked}", saved).replace("{total}", all.length);
  if (pending) text += ` · ${tally.dataset.pending.replace("{count}", pending)}`;
  tally.textContent = text;
  tally.hidden = false;
  all.forEach((row) => {
    row.classList.toggle("pairs-register__row--pending", isPending(row));
    row.querySelector(".pairs-register__pending").hidden = !isPending(row);
  });
  form.querySelector(".pairs-register__offline").hidden = navigator.onLine;
  // What the kept copy said when it was saved is not news when the page comes from the phone.
  document.querySelectorAll("main .nhsuk-inset-text[role=status]").forEach((message) => {
    message.hidden = !navigator.onLine;
  });
}

function sentRecently() {
  const sent = Number(window.sessionStorage.getItem(`${storageKey()}-sent`) || 0);
  return Date.now() - sent < SENT_RECENTLY_MS;
}

// Sent as the form itself, so the server answers as it always does: saved, or the clash per
// family. The page may be a copy kept on the phone: its form token is refreshed first.
async function sendQueued() {
  if (!navigator.onLine || !Object.values(readDraft()).some((entry) => entry.queued)) return;
  let fresh;
  try {
    fresh = await fetch(window.location.pathname, { cache: "no-store", credentials: "same-origin" });
  } catch {
    return; // still no connection: the marks wait
  }
  if (fresh.redirected) {
    window.location.assign(fresh.url); // signed out meanwhile: sign in, the marks are still here
    return;
  }
  const page = new DOMParser().parseFromString(await fresh.text(), "text/html");
  const token = page.querySelector("input[name=csrf_token]");
  if (!fresh.ok || !token) return;
  form.querySelector("input[name=csrf_token]").value = token.value;
  window.sessionStorage.setItem(`${storageKey()}-sent`, String(Date.now()));
  form.submit();
}

function keepOnPhone() {
  const worker = form.dataset.worker;
  if (!worker || !("serviceWorker" in navigator)) return;
  const keptAsFetched = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.register(worker).then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      if (keptAsFetched) return; // the worker kept this page as it came
      const files = Array.from(document.querySelectorAll("link[rel=stylesheet], script[src]"))
        .map((element) => element.href || element.src);
      registration.active.postMessage({ keep: [window.location.href, ...files] });
    })
    .catch(() => {}); // no service worker: the register works online as before
}

if (form) {
  restoreDraft();
  saveDraft();
  showState();
  keepOnPhone();
  form.addEventListener("change", () => {
    saveDraft();
    showState();
  });
  form.addEventListener("submit", (event) => {
    if (navigator.onLine) return;
    event.preventDefault(); // no 'No internet' page: the marks wait on the phone
    saveDraft(true);
    showState();
    form.querySelector(".pairs-register__offline").focus();
  });
  window.addEventListener("offline", showState);
  window.addEventListener("online", () => {
    showState();
    sendQueued();
  });
  if (!sentRecently()) sendQueued();
}
