import { useState } from "react";

/**
 * A dialog whose every opening is a new attempt. The attempt id goes with the dialog's mutation:
 * the server makes every send of one attempt (double clicks, retries after a timeout) one
 * action, and the next opening starts a new one. `onOpen` resets what the dialog shows.
 */
export function useAttemptDialog({ onOpen }: { onOpen?: () => void } = {}) {
  const [open, setOpen] = useState(false);
  const [attemptId, setAttemptId] = useState(() => crypto.randomUUID());
  return {
    open,
    attemptId,
    close: () => setOpen(false),
    /** After a refusal the next send is a new attempt (a declined card, a stale preview). */
    renewAttempt: () => setAttemptId(crypto.randomUUID()),
    onOpenChange: (next: boolean) => {
      setOpen(next);
      if (next) {
        setAttemptId(crypto.randomUUID());
        onOpen?.();
      }
    },
  };
}
