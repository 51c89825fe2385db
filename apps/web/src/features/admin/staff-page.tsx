import { useInfiniteQuery } from "@tanstack/react-query";
import { Loader2Icon, ShieldCheckIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { sectionByPath } from "@/features/admin/sections";
import { ROLE_LABELS } from "@/features/auth/session";
import { trpc } from "@/lib/trpc";

const PAGE_SIZE = 25;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

const COLUMNS = ["Name", "Email", "Role", "Status", "Added"] as const;

function LoadingRows() {
  return Array.from({ length: 4 }, (_, row) => (
    <TableRow key={row}>
      {COLUMNS.map((column) => (
        <TableCell key={column}>
          <Skeleton className="h-4 w-24" />
        </TableCell>
      ))}
    </TableRow>
  ));
}

/** Staff accounts (every non-customer user), oldest first, paged by cursor. */
export function StaffPage() {
  const section = sectionByPath("/admin/staff");
  const staff = useInfiniteQuery(
    trpc.staff.list.infiniteQueryOptions(
      { limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const members = staff.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="space-y-6">
      <PageHeader title={section.label} description={section.summary} />
      {staff.isError ? (
        <ErrorState
          title="Staff accounts couldn't be loaded"
          error={staff.error}
          onRetry={() => void staff.refetch()}
        />
      ) : staff.isSuccess && members.length === 0 ? (
        <EmptyState
          icon={ShieldCheckIcon}
          title="No staff accounts"
          description="Staff accounts are created by an operator with the Folio command line."
        />
      ) : (
        <Card className="gap-0 py-0">
          <Table>
            <TableHeader>
              <TableRow>
                {COLUMNS.map((column) => (
                  <TableHead key={column} className="first:pl-4 last:pr-4">
                    {column}
                  </TableHead>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody aria-busy={staff.isPending}>
              {staff.isPending ? (
                <LoadingRows />
              ) : (
                members.map((member) => (
                  <TableRow key={member.id}>
                    <TableCell className="pl-4 font-medium">{member.name}</TableCell>
                    <TableCell className="text-muted-foreground">{member.email}</TableCell>
                    <TableCell>
                      <Badge variant="secondary">{ROLE_LABELS[member.role]}</Badge>
                    </TableCell>
                    <TableCell>
                      {member.disabled ? (
                        <Badge variant="destructive">Disabled</Badge>
                      ) : (
                        <Badge variant="success">Active</Badge>
                      )}
                    </TableCell>
                    <TableCell className="pr-4 text-muted-foreground tabular-nums">
                      {dateFormat.format(new Date(member.createdAt))}
                    </TableCell>
                  </TableRow>
                ))
              )}
            </TableBody>
          </Table>
          {staff.hasNextPage && (
            <div className="flex justify-center border-t p-3">
              <Button
                variant="outline"
                size="sm"
                disabled={staff.isFetchingNextPage}
                onClick={() => void staff.fetchNextPage()}
              >
                {staff.isFetchingNextPage && <Loader2Icon className="animate-spin" />}
                Load more
              </Button>
            </div>
          )}
        </Card>
      )}
    </div>
  );
}
