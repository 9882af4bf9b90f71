// The kiosk's service worker: keeps the shell (page, style, scripts) so that the tablet starts and
// works without a network. It never sees answers: API requests go straight to the network.
const CACHE = 'siifra-shell-2';
const ROOT = new URL('../', self.registration.scope);
const PAGE = new URL('kiosk/', ROOT).href;
const SHELL = [PAGE, ...['kiosk.css', 'kiosk.js', 'queue.js', 'typed.js', 'crisis.js', 'receipt.js'].map((name) => new URL(`static/kiosk/${name}`, ROOT).href)];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(SHELL.map(async (url) => {
      // The page has just loaded the style and scripts: take them from the HTTP cache, not the network.
      const response = await fetch(url, { cache: url === PAGE ? 'no-store' : 'force-cache' });
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      await cache.put(url, response);
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = request.mode === 'navigate' ? PAGE : request.url.split(/[?#]/)[0];
  if (SHELL.includes(url)) event.respondWith(fromCache(url, event));
});

// Answer from the cache at once, and refresh the cached copy for the next start when online.
async function fromCache(url, event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(url);
  const fresh = fetch(url, { cache: 'no-cache' }).then(async (response) => {
    if (response.ok) await cache.put(url, response.clone());
    return response;
  });
  if (!cached) return fresh;
  event.waitUntil(fresh.catch(() => {}));
  return cached;
}
