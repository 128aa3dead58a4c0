"use client";
import { Paper, Text } from "@mantine/core";

/** The empty state of a list: one sentence in a quiet box. */
export function EmptyNote({ text }: { text: string }) {
  return (
    <Paper withBorder radius="md" p="lg" data-testid="empty">
      <Text size="sm" c="dimmed">
        {text}
      </Text>
    </Paper>
  );
}
