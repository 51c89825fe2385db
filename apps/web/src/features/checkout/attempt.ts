import { useEffect, useRef } from "react";

/**
 * One attempt id per choice until that attempt has opened Stripe Checkout: a double click or a
 * retry after an error replays the same Stripe request (its idempotency key), a different choice
 * (another plan, another quantity) is a new attempt. Once checkout opened, `done(choice)` forgets
 * the id, so coming back (browser Back) and choosing again starts a fresh checkout instead of
 * replaying one that may have expired since.
 */
export function useAttemptIds(): {
  idFor: (choice: string) => string;
  done: (choice: string) => void;
} {
  const ids = useRef(new Map<string, string>());
  return {
    idFor: (choice) => {
      let id = ids.current.get(choice);
      if (!id) {
        id = crypto.randomUUID();
        ids.current.set(choice, id);
      }
      return id;
    },
    done: (choice) => {
      ids.current.delete(choice);
    },
  };
}

/**
 * Calls `reset` when the browser shows this page again from its back/forward cache (Back from
 * Stripe Checkout): the mutation that navigated away is still "pending" in the restored state.
 */
export function useOnPageRestore(reset: () => void): void {
  useEffect(() => {
    const onShow = (e: PageTransitionEvent) => {
      if (e.persisted) reset();
    };
    window.addEventListener("pageshow", onShow);
    return () => window.removeEventListener("pageshow", onShow);
  }, [reset]);
}
