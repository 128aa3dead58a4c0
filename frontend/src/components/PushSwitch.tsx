"use client";
import { useEffect, useState } from "react";
import { Alert, Switch } from "@mantine/core";
import { notificationsApi, unwrap } from "@/api/client";
import { errorMessage, useI18n } from "@/lib/i18n";

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const padded = base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4);
  const raw = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

export function pushSupported(): boolean {
  return typeof window !== "undefined" && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** Web push on this browser: subscribes through PushManager with the bank's VAPID key and registers the
 * subscription with notifications; off deletes it there and unsubscribes the browser. */
export function PushSwitch() {
  const { t } = useI18n();
  const [on, setOn] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const supported = pushSupported();

  useEffect(() => {
    if (!supported) return;
    navigator.serviceWorker
      .getRegistration("/")
      .then((registration) => registration?.pushManager.getSubscription())
      .then((subscription) => setOn(Boolean(subscription)), () => setOn(false));
  }, [supported]);

  async function enable() {
    if ((await Notification.requestPermission()) !== "granted") throw new Error(t("profile.push.denied"));
    const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    await navigator.serviceWorker.ready;
    const { public_key } = await unwrap(notificationsApi.GET("/api/notifications/push/vapid-public-key"));
    const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(public_key) });
    const json = subscription.toJSON();
    await unwrap(
      notificationsApi.POST("/api/notifications/push/subscriptions", {
        body: { endpoint: subscription.endpoint, keys: { p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" } },
      }),
    );
  }

  async function disable() {
    const registration = await navigator.serviceWorker.getRegistration("/");
    const subscription = await registration?.pushManager.getSubscription();
    if (!subscription) return;
    const { items } = await unwrap(notificationsApi.GET("/api/notifications/push/subscriptions"));
    const mine = items.find((item) => item.endpoint === subscription.endpoint);
    if (mine) {
      await unwrap(notificationsApi.DELETE("/api/notifications/push/subscriptions/{subscription_id}", { params: { path: { subscription_id: mine.id } } }));
    }
    await subscription.unsubscribe();
  }

  async function toggle(next: boolean) {
    setBusy(true);
    setError(null);
    try {
      await (next ? enable() : disable());
      setOn(next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Switch
        data-testid="push-switch"
        label={supported ? t("profile.push.switch") : t("profile.push.unsupported")}
        checked={on}
        disabled={!supported || busy}
        onChange={(e) => void toggle(e.currentTarget.checked)}
      />
      {error ? <Alert color="red">{error instanceof Error && !("code" in error) ? error.message : errorMessage(t, error)}</Alert> : null}
    </>
  );
}
