import { useState } from "react";

/**
 * A dialog whose every opening is a new attempt. The attempt id goes with the dialog's mutation:
 * the server makes every send of one attempt (double clicks, retries after a timeout) one
 * action, and the next opening starts a new one. `onOpen` resets what the dialog shows;
 * `initiallyOpen` is for a dialog whose code loaded after its button was pressed.
 */
export function useAttemptDialog({
  onOpen,
  initiallyOpen = false,
}: { onOpen?: () => void; initiallyOpen?: boolean } = {}) {
  const [open, setOpen] = useState(initiallyOpen);
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
