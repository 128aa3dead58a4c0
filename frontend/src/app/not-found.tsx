"use client";
import Link from "next/link";
import { Button, Stack, Text, Title } from "@mantine/core";
import { PublicShell } from "@/components/PublicShell";

export default function NotFound() {
  return (
    <PublicShell width="sm">
      <Stack align="center" py="xl">
        <Title order={1}>404</Title>
        <Text>Страница не найдена · Page not found</Text>
        <Button component={Link} href="/banking-service/">
          На главную · Home
        </Button>
      </Stack>
    </PublicShell>
  );
}
