import { AlertCircleIcon } from "lucide-react";

/** Form-level error (wrong password, throttled, offline) announced to screen readers. The text
 * is darker than `destructive` so it keeps 4.5:1 on the tinted box in both themes. */
export function FormAlert({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <div
      role="alert"
      className="flex items-start gap-2 rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2.5 text-sm text-red-800 dark:text-red-200"
    >
      <AlertCircleIcon className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
      <p>{message}</p>
    </div>
  );
}
