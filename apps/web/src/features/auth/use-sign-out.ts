import { useMutation } from "@tanstack/react-query";
import { toast } from "@/lib/toast";
import { errorInfo } from "@/lib/errors";
import { loadPage } from "@/lib/flash";
import { trpc } from "@/lib/trpc";

/**
 * Sign out of this browser, or of every device, then load the sign-in page (a new document:
 * nothing cached for this account stays in memory).
 */
export function useSignOut() {
  const leave = (message: string) => loadPage("/sign-in", { flash: { kind: "success", message } });
  const fail = (error: unknown) => toast.error(errorInfo(error).message);

  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: () => leave("You're signed out."),
      onError: fail,
    }),
  );
  const signOutEverywhere = useMutation(
    trpc.auth.signOutEverywhere.mutationOptions({
      onSuccess: ({ sessionsEnded }) =>
        leave(
          `Signed out everywhere (${sessionsEnded} session${sessionsEnded === 1 ? "" : "s"} ended).`,
        ),
      onError: fail,
    }),
  );
  return { signOut, signOutEverywhere };
}
