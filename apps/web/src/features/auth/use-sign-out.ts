import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "@tanstack/react-router";
import { toast } from "@/lib/toast";
import { forgetSession } from "@/features/auth/session";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";

/** Sign out of this browser, or of every device, then return to the sign-in page. */
export function useSignOut() {
  const queryClient = useQueryClient();
  const router = useRouter();

  const leave = async (message: string) => {
    forgetSession(queryClient);
    await router.navigate({ to: "/sign-in" });
    toast.success(message);
  };
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
