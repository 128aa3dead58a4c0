"use client";
import Link from "next/link";
import { useState } from "react";
import { Alert, Anchor, Button, Group, Paper, SimpleGrid, Stack, Title } from "@mantine/core";
import { IconPlus, IconSend } from "@tabler/icons-react";
import { AccountTile, accountShortLabel } from "@/components/AccountTile";
import { BankCard } from "@/components/BankCard";
import { OpenAccountModal } from "@/components/OpenAccountModal";
import { EmptyState, ErrorState, LoadingState } from "@/components/States";
import { TransactionList } from "@/components/TransactionList";
import { loadDashboard } from "@/lib/cabinet";
import { useI18n } from "@/lib/i18n";
import { useSession } from "@/lib/session";
import { useAsync } from "@/lib/useAsync";
import type { MessageKey } from "@/lib/messages";

export default function Dashboard() {
  const { t } = useI18n();
  const { profile } = useSession();
  const [openModal, setOpenModal] = useState(false);
  const { data, error, loading, reload } = useAsync(loadDashboard, []);

  const firstName = profile?.full_name.split(/\s+/).length === 3 ? profile.full_name.split(/\s+/)[1] : profile?.full_name.split(/\s+/)[0];
  const byId = new Map((data?.accounts ?? []).map((a) => [a.id, a]));

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t("lk.hello", { name: firstName ?? "" })}
        </Title>
        <Group gap="xs">
          <Button component={Link} href="/lk/transfer/" leftSection={<IconSend size={18} />}>
            {t("nav.transfer")}
          </Button>
          <Button variant="light" leftSection={<IconPlus size={18} />} onClick={() => setOpenModal(true)}>
            {t("lk.openAccount")}
          </Button>
        </Group>
      </Group>
      {error != null && !data && <ErrorState error={error} onRetry={reload} />}
      {loading && !data && <LoadingState />}
      {data && (
        <>
          {data.missing.length > 0 && (
            <Alert color="yellow" variant="light" role="status">
              {t("lk.partial")} {data.missing.map((m) => (["cards", "transactions", "accounts"].includes(m) ? t(`lk.part.${m}` as MessageKey) : m)).join(", ")}
            </Alert>
          )}
          <section aria-labelledby="accounts-title">
            <Title order={2} size="h4" id="accounts-title" mb="sm">
              {t("lk.accounts")}
            </Title>
            {data.accounts.length === 0 ? (
              <EmptyState text={t("lk.noAccounts")} action={{ label: t("lk.openAccount"), onClick: () => setOpenModal(true) }} />
            ) : (
              <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
                {data.accounts.map((a) => (
                  <AccountTile key={a.id} account={a} />
                ))}
              </SimpleGrid>
            )}
          </section>
          {data.cards.length > 0 && (
            <section aria-labelledby="cards-title">
              <Title order={2} size="h4" id="cards-title" mb="sm">
                {t("lk.cards")}
              </Title>
              <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
                {data.cards.map((c) => (
                  <BankCard key={c.id} card={c} />
                ))}
              </SimpleGrid>
            </section>
          )}
          <section aria-labelledby="recent-title">
            <Group justify="space-between" mb="sm">
              <Title order={2} size="h4" id="recent-title">
                {t("lk.recent")}
              </Title>
              {data.accounts[0] && (
                <Anchor component={Link} href={`/lk/account/?id=${data.accounts[0].id}`} size="sm">
                  {t("lk.history")}
                </Anchor>
              )}
            </Group>
            <Paper withBorder radius="lg" style={{ overflow: "hidden" }}>
              <TransactionList items={data.recent} accountLabel={(id) => (byId.get(id) ? accountShortLabel(byId.get(id)!) : undefined)} />
            </Paper>
          </section>
        </>
      )}
      <OpenAccountModal opened={openModal} onClose={() => setOpenModal(false)} onOpened={reload} />
    </Stack>
  );
}
