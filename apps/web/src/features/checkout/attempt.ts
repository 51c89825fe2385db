import { useRef } from "react";

/**
 * One attempt id per choice for as long as the page is open: a double click or a retry of the
 * same choice replays the same Stripe request (its idempotency key), while a different choice
 * (another plan, another quantity) is a new attempt rather than a conflicting replay.
 */
export function useAttemptIds(): (choice: string) => string {
  const ids = useRef(new Map<string, string>());
  return (choice) => {
    let id = ids.current.get(choice);
    if (!id) {
      id = crypto.randomUUID();
      ids.current.set(choice, id);
    }
    return id;
  };
}
