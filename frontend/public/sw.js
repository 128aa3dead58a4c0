// The bank's service worker: shows a web push (the notifications service's JSON {title, body, kind, event_id},
// decrypted by the browser) and opens the cabinet when it is clicked (docs/events.md "Web push").
self.addEventListener("push", (event) => {
  let notice = { title: "Bank", body: "" };
  try {
    notice = event.data ? event.data.json() : notice;
  } catch {
    notice = { title: "Bank", body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(notice.title, { body: notice.body, tag: notice.event_id, data: { kind: notice.kind } }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(self.clients.openWindow("/lk/"));
});
