import type { RouterOutputs } from "@folio/server/api";
import type * as React from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRoundIcon, Loader2Icon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Card, CardContent } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { sectionByPath } from "@/features/admin/sections";
import { CreateKeyDialog } from "@/features/api-keys/create-key-dialog";
import { errorInfo } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { toast } from "@/lib/toast";
import { trpc } from "@/lib/trpc";

type ApiKey = RouterOutputs["admin"]["apiKeys"]["list"][number];

/** Keys for the usage API (/api/v1): made, listed by prefix and revoked by admins. */
export function ApiKeysPage() {
  const section = sectionByPath("/admin/api-keys");
  const keys = useQuery(trpc.admin.apiKeys.list.queryOptions());

  let body: React.ReactNode;
  if (keys.isPending) {
    body = <Skeleton className="h-24" role="status" aria-label="Loading" />;
  } else if (keys.isError) {
    body = (
      <ErrorState
        title="API keys couldn't be loaded"
        error={keys.error}
        onRetry={() => void keys.refetch()}
      />
    );
  } else if (keys.data.length === 0) {
    body = (
      <EmptyState
        icon={KeyRoundIcon}
        title="No API keys yet"
        description="Create one for your backend to report usage (POST /api/v1/usage) and check what a customer has left."
      />
    );
  } else {
    body = (
      <Card>
        <CardContent>
          <ul className="divide-y" aria-label="API keys">
            {keys.data.map((k) => (
              <KeyRow key={k.id} apiKey={k} />
            ))}
          </ul>
        </CardContent>
      </Card>
    );
  }
  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description={section.summary}
        actions={<CreateKeyDialog />}
      />
      {body}
    </div>
  );
}

function KeyRow({ apiKey: k }: { apiKey: ApiKey }) {
  return (
    <li className="flex flex-col gap-3 py-3 md:flex-row md:items-center">
      <div className="min-w-0 flex-1 space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium">{k.name}</span>
          <span className="font-mono text-sm text-muted-foreground">{k.prefix}…</span>
          {k.revokedAt && <Badge variant="outline">Revoked {formatDateTime(k.revokedAt)}</Badge>}
        </div>
        <p className="flex flex-wrap gap-1">
          {k.scopes.map((s) => (
            <Badge key={s} variant="secondary" className="font-mono text-xs">
              {s}
            </Badge>
          ))}
        </p>
        <p className="text-xs text-muted-foreground">
          Created {formatDateTime(k.createdAt)}
          {k.createdBy && ` by ${k.createdBy.name}`} ·{" "}
          {k.lastUsedAt ? `last used ${formatDateTime(k.lastUsedAt)}` : "never used"}
        </p>
      </div>
      {!k.revokedAt && <RevokeButton apiKey={k} />}
    </li>
  );
}

function RevokeButton({ apiKey }: { apiKey: ApiKey }) {
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.admin.apiKeys.revoke.mutationOptions({
      onSuccess: async () => {
        toast.success(`Revoked ${apiKey.name}.`);
        await queryClient.invalidateQueries(trpc.admin.apiKeys.list.pathFilter());
      },
      onError: (error) => toast.error(errorInfo(error).message),
    }),
  );
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button size="sm" variant="outline">
          Revoke
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Revoke {apiKey.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            Requests with {apiKey.prefix}… are refused from now on (401). Usage it already reported
            stays. This cannot be undone: make a new key for the backend that used it.
          </AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel disabled={revoke.isPending}>Cancel</AlertDialogCancel>
          <Button
            variant="destructive"
            disabled={revoke.isPending}
            onClick={() => revoke.mutate({ id: apiKey.id })}
          >
            {revoke.isPending && <Loader2Icon className="animate-spin" />}
            Revoke key
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
