import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "@/lib/toast";
import { PendingButton } from "@/components/pending-button";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";

/** Takes back a scheduled cancellation; the plan then renews as before. */
export function ResumeButton({ planName }: { planName: string }) {
  const queryClient = useQueryClient();
  const [attemptId, setAttemptId] = useState(() => crypto.randomUUID());
  const resume = useMutation(
    trpc.portal.subscription.resume.mutationOptions({
      onSuccess: async () => {
        toast.success(`Your ${planName} plan will renew as usual.`);
        setAttemptId(crypto.randomUUID());
        await queryClient.invalidateQueries(trpc.portal.subscription.pathFilter());
      },
      onError: (error) => {
        toast.error(errorInfo(error).message);
        setAttemptId(crypto.randomUUID());
      },
    }),
  );
  return (
    <PendingButton pending={resume.isPending} onClick={() => resume.mutate({ attemptId })}>
      Resume subscription
    </PendingButton>
  );
}
