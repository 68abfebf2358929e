// The register's service worker: today's registers kept on this phone, for a hall with no signal.
// Served as /staff/sessions/register-worker.js, so it looks after register pages only.
// A register is kept only when the server says it is today's (the Pairs-Offline-Day header),
// and only until the day ends; signing out clears it (Clear-Site-Data).

const PAGES = "pairs-register-pages";
const FILES = "pairs-register-files";
const DAY_HEADER = "Pairs-Offline-Day";
const REGISTER = /^\/staff\/sessions\/\d+\/register$/;

function today() {
  const now = new Date();
  const two = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
}

function pageKey(url) {
  const address = new URL(url);
  return address.origin + address.pathname;
}

async function forgetOtherDays() {
  const pages = await caches.open(PAGES);
  for (const request of await pages.keys()) {
    const kept = await pages.match(request);
    if (!kept || kept.headers.get(DAY_HEADER) !== today()) await pages.delete(request);
  }
  if ((await pages.keys()).length === 0) await caches.delete(FILES);
}

async function forgetEveryRegister() {
  await caches.delete(PAGES);
  await caches.delete(FILES);
}

// What came back for a register decides what is kept: today's page is kept, any other answer
// (signed out, no longer her group, another day) takes the kept copy away.
async function remember(url, response) {
  if (response.type === "opaqueredirect" || response.redirected) {
    await forgetEveryRegister(); // sent to sign in: her session ended
    return;
  }
  const pages = await caches.open(PAGES);
  const day = response.headers.get(DAY_HEADER);
  if (response.ok && day === today()) {
    await pages.put(pageKey(url), response.clone());
  } else if (!response.ok) {
    await pages.delete(pageKey(url));
  }
}

async function keptPage(url) {
  await forgetOtherDays();
  const pages = await caches.open(PAGES);
  return pages.match(pageKey(url));
}

async function registerPage(request) {
  try {
    const response = await fetch(request);
    await remember(request.url, response);
    return response;
  } catch (offline) {
    return (await keptPage(request.url)) || Response.error();
  }
}

// A register saved with no connection: the browser would show its 'No internet' page, so
// she is sent back to the kept register instead, her marks still on it (the page keeps them).
async function saveRegister(request) {
  try {
    return await fetch(request);
  } catch (offline) {
    return (await keptPage(request.url)) ? Response.redirect(request.url, 303) : Response.error();
  }
}

async function file(request) {
  const files = await caches.open(FILES);
  const kept = await files.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await files.put(request, response.clone());
  return response;
}

// The page's files first, the register last: once the register is kept, so is everything it
// needs to work with no signal (its script, its styles).
async function keep(urls) {
  const isRegister = (url) => REGISTER.test(new URL(url, self.location.origin).pathname);
  const ordered = [...urls.filter((url) => !isRegister(url)), ...urls.filter(isRegister)];
  for (const url of ordered) {
    const address = new URL(url, self.location.origin);
    if (address.origin !== self.location.origin) continue;
    try {
      if (REGISTER.test(address.pathname)) {
        await remember(url, await fetch(url, { credentials: "same-origin" }));
      } else {
        await file(new Request(address.href));
      }
    } catch (offline) {
      // Kept next time the page is opened with a connection.
    }
  }
}

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(forgetOtherDays().then(() => self.clients.claim()));
});

self.addEventListener("message", (event) => {
  if (event.data && Array.isArray(event.data.keep)) event.waitUntil(keep(event.data.keep));
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const address = new URL(request.url);
  if (address.origin !== self.location.origin) return;
  if (REGISTER.test(address.pathname) && request.mode === "navigate") {
    if (request.method === "GET") event.respondWith(registerPage(request));
    else if (request.method === "POST") event.respondWith(saveRegister(request));
  } else if (request.method === "GET" && address.pathname.startsWith("/static/")) {
    event.respondWith(file(request));
  }
});
