// Service worker: a page visited once keeps working when the server cannot be reached.
//
// The build copies this file to the site root as sw.js and fills in the build id, so
// every build keeps its files in a cache of its own.
//
// * Online, it stays out of the way: only page navigations pass through it (network
//   first); every other request goes to the network and the browser's HTTP cache, which
//   also keeps Chromium's compiled code for pyodide.asm.wasm. Answering those requests
//   from Cache Storage made a second visit ~3 s slower (the wasm and all Python code
//   run unoptimised again), see docs/site.md.
// * When a navigation cannot reach the server, the page and then every request come
//   from the cache.
// * Once an app page is interactive, static/loading.js sends {type: "pg-cache", urls}
//   with every file the page and its Python worker used; they are added to the cache.
const CACHE = "pyplayground-__BUILD_ID__";
let offline = false;  // the last navigation could not reach the server

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("pyplayground-") && name !== CACHE) {
        await caches.delete(name);
      }
    }
    if (self.registration.navigationPreload) {
      await self.registration.navigationPreload.enable();
    }
    await self.clients.claim();
  })());
});

async function fromCache(request) {
  const cache = await caches.open(CACHE);
  const hit = (await cache.match(request)) || (await cache.match(request, {ignoreSearch: true}));
  return hit || fetch(request);
}

async function navigate(event) {
  try {
    const response = (await event.preloadResponse) || (await fetch(event.request));
    offline = false;
    return response;
  } catch (e) {
    offline = true;
    return fromCache(event.request);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (offline) {
    event.respondWith(fromCache(request));
  }
});

self.addEventListener("message", (event) => {
  const msg = event.data || {};
  if (msg.type !== "pg-cache") {
    return;
  }
  const port = event.ports[0];
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    let added = 0;
    const failed = [];
    for (const url of msg.urls) {
      if (await cache.match(url)) {
        continue;
      }
      try {
        const response = await fetch(url);
        if (response.ok) {
          await cache.put(url, response);
          added += 1;
        } else {
          failed.push(`${url}: HTTP ${response.status}`);
        }
      } catch (e) {
        failed.push(`${url}: ${e}`);
      }
    }
    if (port) {
      port.postMessage({ok: failed.length === 0, added: added, failed: failed});
    }
  })());
});
