import type { FieldValues, Path, UseFormReturn } from "react-hook-form";
import { errorInfo } from "@/lib/errors";

/**
 * Puts a server refusal where the user will look for it: zod field errors on their fields,
 * codes listed in `fieldForCode` (e.g. CONFLICT → email) on that field, everything else in the
 * form-level `root.server` message.
 */
export function applyServerError<T extends FieldValues>(
  form: UseFormReturn<T>,
  error: unknown,
  fieldForCode: Partial<Record<string, Path<T>>> = {},
): void {
  const info = errorInfo(error);
  const known = new Set(Object.keys(form.getValues()));
  let focused = false;

  for (const [field, messages] of Object.entries(info.fieldErrors)) {
    if (!known.has(field)) continue;
    form.setError(
      field as Path<T>,
      { type: "server", message: messages[0] },
      { shouldFocus: !focused },
    );
    focused = true;
  }
  if (focused) return;

  const field = info.code ? fieldForCode[info.code] : undefined;
  if (field) {
    form.setError(field, { type: "server", message: info.message }, { shouldFocus: true });
    return;
  }
  form.setError("root.server", {
    type: info.code ?? "network",
    message: info.formErrors[0] ?? info.message,
  });
}
