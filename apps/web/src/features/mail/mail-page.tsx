import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { MailIcon } from "lucide-react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableNoMatches } from "@/components/data-table/data-table-no-matches";
import { DataTableTextFilter, DataTableToolbar } from "@/components/data-table/data-table-toolbar";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { sectionByPath } from "@/features/admin/sections";
import { mailColumns } from "@/features/mail/columns";
import { MailSheet } from "@/features/mail/mail-sheet";
import { mailListSearch } from "@/features/mail/search";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/mail");

/** The built-in mailbox: every e-mail Folio sent while no SMTP server is configured. */
export function MailPage() {
  const section = sectionByPath("/admin/mail");
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const list = useQuery({
    ...trpc.admin.mail.list.queryOptions(mailListSearch.queryInput(search)),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
  const reset = () => void navigate({ search: (prev) => mailListSearch.clearFilters(prev) });

  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description="With no SMTP_URL configured, Folio delivers its e-mails here instead of to people: order confirmations, receipts, password resets, invitations."
      />
      <DataTable
        label="Sent e-mails"
        columns={mailColumns}
        getRowId={(row) => row.id}
        query={list}
        search={search}
        onNavigate={(patch) =>
          void navigate({ search: (prev) => mailListSearch.apply(prev, patch) })
        }
        toolbar={
          <DataTableToolbar filtered={mailListSearch.hasFilters(search)} onReset={reset}>
            <DataTableTextFilter
              label="Recipient"
              value={search.to}
              placeholder="Recipient, e.g. ada@"
              maxLength={254}
              onApply={(to) =>
                void navigate({ search: (prev) => mailListSearch.withFilters(prev, { to }) })
              }
            />
          </DataTableToolbar>
        }
        errorTitle="Sent mail couldn't be loaded"
        noun={["e-mail", "e-mails"]}
        order="newest first"
        empty={
          mailListSearch.hasFilters(search) ? (
            <DataTableNoMatches
              title="No e-mails to that recipient"
              description="Try part of the address, or reset the filter."
              onReset={reset}
            />
          ) : (
            <EmptyState
              icon={MailIcon}
              title="No e-mails sent yet"
              description="A paid order, a password reset or a staff invitation puts its e-mail here within seconds."
              className="m-4 border-0"
            />
          )
        }
      />
      <MailSheet
        id={search.mail}
        onClose={() =>
          void navigate({ search: (prev) => mailListSearch.apply(prev, { mail: undefined }) })
        }
      />
    </div>
  );
}
