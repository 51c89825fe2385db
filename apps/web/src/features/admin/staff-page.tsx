import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { Loader2Icon, ShieldCheckIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
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
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";

const PAGE_SIZE = 25;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

const COLUMNS = ["Name", "Email", "Role", "Status", "Added", "Access"] as const;

const adminRoute = getRouteApi("/admin");

interface StaffMember {
  id: string;
  name: string;
  email: string;
  disabled: boolean;
}

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
  const { me } = adminRoute.useRouteContext();
  const queryClient = useQueryClient();
  const [toDisable, setToDisable] = useState<StaffMember | null>(null);
  const staff = useInfiniteQuery(
    trpc.staff.list.infiniteQueryOptions(
      { limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const members = staff.data?.pages.flatMap((page) => page.items) ?? [];

  const setDisabled = useMutation(
    trpc.staff.setDisabled.mutationOptions({
      onSuccess: async (row) => {
        const member = members.find((m) => m.id === row.id);
        toast.success(
          `${member?.name ?? "The account"} ${row.disabled ? "is disabled and signed out everywhere" : "can sign in again"}.`,
        );
        setToDisable(null);
        await queryClient.invalidateQueries(trpc.staff.list.pathFilter());
      },
      onError: (error) => toast.error(errorInfo(error).message),
    }),
  );

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
          description="Operators create staff accounts with the command line: folio user:create --email <email> --role <role>."
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
                    <TableCell className="text-muted-foreground tabular-nums">
                      {dateFormat.format(new Date(member.createdAt))}
                    </TableCell>
                    <TableCell className="pr-4">
                      {member.id === me.user.id ? (
                        <span className="text-xs text-muted-foreground">You</span>
                      ) : member.disabled ? (
                        <Button
                          variant="outline"
                          size="sm"
                          disabled={setDisabled.isPending}
                          aria-label={`Enable ${member.name}`}
                          onClick={() => setDisabled.mutate({ userId: member.id, disabled: false })}
                        >
                          Enable
                        </Button>
                      ) : (
                        <Button
                          variant="outline"
                          size="sm"
                          disabled={setDisabled.isPending}
                          aria-label={`Disable ${member.name}`}
                          onClick={() => setToDisable(member)}
                        >
                          Disable
                        </Button>
                      )}
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

      <AlertDialog
        open={toDisable !== null}
        onOpenChange={(open) => {
          if (!open) setToDisable(null);
        }}
      >
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Disable {toDisable?.name}?</AlertDialogTitle>
            <AlertDialogDescription>
              {toDisable?.email} is signed out on every device right away and cannot sign in until
              an admin enables the account again.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel disabled={setDisabled.isPending}>Cancel</AlertDialogCancel>
            <Button
              variant="destructive"
              disabled={setDisabled.isPending}
              onClick={() => {
                if (toDisable) setDisabled.mutate({ userId: toDisable.id, disabled: true });
              }}
            >
              {setDisabled.isPending && <Loader2Icon className="animate-spin" />}
              Disable account
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </div>
  );
}
