// Service worker: a page visited once keeps working offline.
//
// The build copies this file to the site root as sw.js and fills in the build id, so
// every build gets its own cache and a new build replaces the old cache as a whole
// (static/loading.js reloads the page when a new build takes over).
//
// * cache first for same-origin GET requests; responses are added as they are fetched;
// * once an app page is interactive, loading.js sends {type: "pg-cache", urls} with every
//   file the page and its Python worker used (the worker of the first visit is not
//   controlled by this service worker, so its downloads are added here explicitly).
const CACHE = "pyplayground-__BUILD_ID__";

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
    await self.clients.claim();
  })());
});

async function cached(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) {
    return hit;
  }
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  event.respondWith(cached(request));
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
    port.postMessage({ok: failed.length === 0, added: added, failed: failed});
  })());
});
