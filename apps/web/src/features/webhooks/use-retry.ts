import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "@/lib/toast";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";

/** Re-queue one event, or every dead-lettered one; refreshes the inbox, its figures and details. */
export function useWebhookRetry() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.admin.webhooks.pathFilter());
  const fail = (error: unknown) => toast.error(errorInfo(error).message);

  const retry = useMutation(
    trpc.admin.webhooks.retry.mutationOptions({
      onSuccess: async ({ id }) => {
        toast.success(`${id} is back in the queue and will be applied shortly.`);
        await refresh();
      },
      onError: fail,
    }),
  );
  const retryDead = useMutation(
    trpc.admin.webhooks.retryDead.mutationOptions({
      onSuccess: async ({ requeued }) => {
        toast.success(
          requeued === 0
            ? "There were no dead-lettered events left to re-queue."
            : `${requeued} dead-lettered event${requeued === 1 ? "" : "s"} re-queued.`,
        );
        await refresh();
      },
      onError: fail,
    }),
  );
  return { retry, retryDead };
}
