// The duty phone's service worker (issue 30, docs/centre-api.yaml "push"): the centre pushes each new alarm and each
// escalation level (encrypted, RFC 8291); this shows it as a notification that stays until the nurse acts, and a tap
// opens the page at that alarm's card. It caches nothing: the page must always show the centre's current state.
'use strict';

// A new version takes over at once: an old worker must not keep showing notifications the old way.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));

// Only a link into this page: a payload cannot send the nurse elsewhere.
function pageUrl(url) {
  const scope = self.registration.scope;
  try {
    const target = new URL(url || scope, scope);
    return target.origin === self.location.origin ? target.href : scope;
  } catch {
    return scope;
  }
}

self.addEventListener('push', event => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    // Not JSON: still an alarm the nurse must see, even if all it says is the text.
    data = { body: event.data.text() };
  }

  const options = {
    body: data.body || '',
    data: { url: pageUrl(data.url), alarm: data.alarm || null },
    requireInteraction: true,
    icon: 'icon-192.png',
  };
  if (data.alarm) {
    // One notification per alarm: a later escalation level replaces the earlier one and sounds again.
    options.tag = data.alarm;
    options.renotify = true;
  }
  // Chrome shows a generic "site updated" notice when a push shows nothing; so something is always shown.
  event.waitUntil(self.registration.showNotification(data.title || 'Alarm', options));
});

self.addEventListener('notificationclick', event => {
  event.notification.close();
  const url = pageUrl(event.notification.data && event.notification.data.url);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const page = windows.find(c => new URL(c.url).origin === self.location.origin);
    if (!page) {
      await self.clients.openWindow(url);
      return;
    }

    // Focus first: the tap's permission to bring a window forward does not last long.
    const shown = await page.focus();
    const at = new URL(shown.url);
    const target = new URL(url);
    if (at.pathname === target.pathname && at.search === target.search) {
      // The page is already open: it moves to the card without a reload (and keeps what the nurse typed).
      shown.postMessage({ type: 'show', url });
    } else {
      try {
        await shown.navigate(url);
      } catch {
        // navigate() needs a page this worker controls; any other gets a window of its own.
        await self.clients.openWindow(url);
      }
    }
  })());
});
