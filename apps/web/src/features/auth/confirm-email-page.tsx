import { useState } from "react";
import { DocumentTitle } from "@/components/document-title";
import { PendingButton } from "@/components/pending-button";
import { AuthLayout } from "@/features/auth/auth-layout";
import type { AuthPageProps } from "@/features/auth/auth-pages";
import { FormAlert } from "@/features/auth/form-alert";
import { useSubmit } from "@/features/auth/use-submit";
import { errorInfo } from "@/lib/errors";
import { trpcClient } from "@/lib/trpc-client";

/**
 * The page an e-mail change links to (`?token=`). It asks for a click rather than confirming on
 * load, so a mail scanner opening the link changes nothing.
 */
export function ConfirmEmailPage({ notice }: AuthPageProps) {
  const token = new URLSearchParams(window.location.search).get("token") ?? "";
  const [done, setDone] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const confirm = useSubmit(
    async () => setDone((await trpcClient.auth.confirmEmail.mutate({ token })).email),
    (error) => setProblem(errorInfo(error).message),
  );

  return (
    <AuthLayout notice={notice}>
      <DocumentTitle title="Confirm your new e-mail address" />
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold tracking-tight">Confirm your new e-mail address</h1>
        {done ? (
          <div role="status" className="space-y-2 rounded-lg border bg-muted/40 p-4 text-sm">
            <p className="font-medium">Done</p>
            <p className="text-muted-foreground">
              Your account now uses {done}; sign in with it from now on.
            </p>
            <a
              href="/sign-in"
              className="font-medium text-primary underline-offset-4 hover:underline"
            >
              Continue
            </a>
          </div>
        ) : (
          <>
            <FormAlert message={problem} />
            <PendingButton
              className="w-full"
              pending={confirm.pending}
              onClick={() => confirm.submit(undefined)}
            >
              {confirm.pending ? "Confirming…" : "Use this address for my account"}
            </PendingButton>
          </>
        )}
      </div>
    </AuthLayout>
  );
}
