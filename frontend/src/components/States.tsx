"use client";
import Link from "next/link";
import { Alert, Button, Center, Loader, Paper, Stack, Text } from "@mantine/core";
import { IconAlertTriangle, IconClockHour4 } from "@tabler/icons-react";
import { errorMessage, useI18n } from "@/lib/i18n";
import { ApiError } from "@/api/problem";

export function LoadingState({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <Center py="xl" role="status" aria-live="polite" aria-busy="true" data-testid="loading">
      <Stack align="center" gap="xs">
        <Loader size="md" />
        <Text size="sm" c="dimmed">
          {label ?? t("common.loading")}
        </Text>
      </Stack>
    </Center>
  );
}

/** The next step an empty state offers: a link to another page or an action on this one. */
export type NextStep = { label: string; href: string } | { label: string; onClick: () => void };

/** The empty state of a list or screen: what is missing in one sentence, and what to do about it. */
export function EmptyState({ text, hint, action }: { text: string; hint?: string; action?: NextStep }) {
  return (
    <Paper withBorder radius="md" p="lg" data-testid="empty">
      <Stack gap="xs" align="flex-start">
        <Text size="sm" c="gray.7">
          {text}
        </Text>
        {hint && (
          <Text size="sm" c="gray.7">
            {hint}
          </Text>
        )}
        {action &&
          ("href" in action ? (
            <Button component={Link} href={action.href} size="xs" variant="light" data-testid="empty-next">
              {action.label}
            </Button>
          ) : (
            <Button size="xs" variant="light" onClick={action.onClick} data-testid="empty-next">
              {action.label}
            </Button>
          ))}
      </Stack>
    </Paper>
  );
}

/** "Not available yet": the endpoint is not deployed yet (a generic 404), said plainly, never faked. */
export function NotAvailable({ what }: { what?: string }) {
  const { t } = useI18n();
  return (
    <Alert color="gray" variant="light" icon={<IconClockHour4 />} title={what ? `${what}: ${t("common.notAvailable").toLowerCase()}` : t("common.notAvailable")} data-testid="not-available">
      {t("common.notAvailableText")}
    </Alert>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (error instanceof ApiError && error.endpointMissing) return <NotAvailable />;
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle />} title={t("common.error")} role="alert">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{errorMessage(t, error)}</Text>
        {onRetry && (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            {t("common.retry")}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
