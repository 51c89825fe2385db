import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { toast } from "@/lib/toast";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";

/** Sends the customer to Stripe Checkout (setup mode) to enter a new card. */
export function useCardUpdate() {
  // One Checkout session per visit: a double click opens the same page.
  const [attemptId] = useState(() => crypto.randomUUID());
  const start = useMutation(
    trpc.portal.subscription.startCardUpdate.mutationOptions({
      onSuccess: ({ url }) => window.location.assign(url),
      onError: (error) => toast.error(errorInfo(error).message),
    }),
  );
  const { reset } = start;
  // Back from Checkout through the browser's cache: the page returns as it was left (waiting).
  useEffect(() => {
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) reset();
    };
    window.addEventListener("pageshow", onShow);
    return () => window.removeEventListener("pageshow", onShow);
  }, [reset]);
  return {
    start: () => start.mutate({ attemptId }),
    // Stays pending while the browser leaves for Checkout.
    isPending: start.isPending || start.isSuccess,
  };
}
