import { useMutation, useQueryClient } from "@tanstack/react-query";
import { KeyRoundIcon, Loader2Icon } from "lucide-react";
import { useState } from "react";
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
import { Button } from "@/components/ui/button";
import type { EndpointRow } from "@/features/outbound-webhooks/search";
import { SecretNotice } from "@/features/outbound-webhooks/secret-notice";
import { errorInfo } from "@/lib/errors";
import { toast } from "@/lib/toast";
import { trpc } from "@/lib/trpc";

/** A new signing secret, shown once; the old one keeps co-signing for 24 hours. */
export function RotateSecretButton({ endpoint }: { endpoint: EndpointRow }) {
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const rotate = useMutation(
    trpc.admin.outboundWebhooks.rotateSecret.mutationOptions({
      onSuccess: async (r) => {
        setSecret(r.secret);
        await queryClient.invalidateQueries(trpc.admin.outboundWebhooks.endpoints.pathFilter());
      },
      onError: (error) => toast.error(errorInfo(error).message),
    }),
  );
  const close = (next: boolean) => {
    setOpen(next);
    if (!next) setSecret(null);
  };
  return (
    <AlertDialog open={open} onOpenChange={close}>
      <AlertDialogTrigger asChild>
        <Button size="sm" variant="outline">
          <KeyRoundIcon aria-hidden="true" />
          Rotate secret
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>
            {secret ? "New signing secret" : "Rotate this endpoint's signing secret?"}
          </AlertDialogTitle>
          <AlertDialogDescription>
            {secret
              ? "For the next 24 hours deliveries are signed with both the old and the new secret, so your receiver keeps verifying while you update it."
              : `Folio makes a new secret for ${endpoint.url}. The current one keeps working for 24 hours, then only the new one verifies.`}
          </AlertDialogDescription>
        </AlertDialogHeader>
        {secret && <SecretNotice secret={secret} />}
        <AlertDialogFooter>
          {secret ? (
            <Button onClick={() => close(false)}>Done</Button>
          ) : (
            <>
              <AlertDialogCancel disabled={rotate.isPending}>Cancel</AlertDialogCancel>
              <Button
                disabled={rotate.isPending}
                onClick={() => rotate.mutate({ id: endpoint.id })}
              >
                {rotate.isPending && <Loader2Icon className="animate-spin" />}
                Rotate secret
              </Button>
            </>
          )}
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

/** Stops (or resumes) sending to an endpoint; its log stays. */
export function EnableToggle({ endpoint }: { endpoint: EndpointRow }) {
  const queryClient = useQueryClient();
  const update = useMutation(
    trpc.admin.outboundWebhooks.update.mutationOptions({
      onSuccess: async (e) => {
        toast.success(e.enabled ? `Sending to ${e.url} again.` : `Stopped sending to ${e.url}.`);
        await queryClient.invalidateQueries(trpc.admin.outboundWebhooks.endpoints.pathFilter());
      },
      onError: (error) => toast.error(errorInfo(error).message),
    }),
  );
  return (
    <Button
      size="sm"
      variant="ghost"
      disabled={update.isPending}
      onClick={() => update.mutate({ id: endpoint.id, enabled: !endpoint.enabled })}
    >
      {update.isPending && <Loader2Icon className="animate-spin" />}
      {endpoint.enabled ? "Disable" : "Enable"}
    </Button>
  );
}
