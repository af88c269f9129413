/* Aandacht's service worker (served at /sw.js by aandacht.web.pwa, which fills in the
 * quoted placeholders).
 *
 * Pages always come from the network and are never stored: they hold people's private
 * details. Without a network, a navigation gets the friendly offline page instead. Static
 * files (stylesheet, script, icons) are fetched from the network too and fall back to the
 * copies stored when the worker was installed, so the offline page looks like the app.
 */
"use strict";

const VERSION = "__VERSION__";
const OFFLINE_URL = "__OFFLINE_URL__";
const STATIC_URL = "__STATIC_URL__";
const PRECACHE = "__PRECACHE__";
const CACHE = "aandacht-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const offline = await fetch(OFFLINE_URL, { credentials: "same-origin", redirect: "error" });
      if (!offline.ok) {
        throw new Error("the offline page is not available yet");
      }
      await cache.put(OFFLINE_URL, offline);
      await cache.addAll(PRECACHE);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith("aandacht-") && name !== CACHE).map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return; // form posts and the like go straight to the server, untouched
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(async () => {
        const cache = await caches.open(CACHE);
        return (await cache.match(OFFLINE_URL)) || Response.error();
      }),
    );
    return;
  }
  if (url.pathname.startsWith(STATIC_URL)) {
    event.respondWith(
      fetch(request).catch(async () => {
        const cache = await caches.open(CACHE);
        return (await cache.match(request, { ignoreSearch: true })) || Response.error();
      }),
    );
  }
});
