import { useState } from "react";

/**
 * A form's request outside react-query (the sign-in entry has none): `pending` while it runs.
 * An action that leaves the page (`loadPage`) never settles, so the button stays busy until then.
 */
export function useSubmit<T>(
  action: (values: T) => Promise<unknown>,
  onError: (error: unknown) => void,
) {
  const [pending, setPending] = useState(false);
  const submit = (values: T) => {
    setPending(true);
    action(values).then(
      () => setPending(false),
      (error: unknown) => {
        setPending(false);
        onError(error);
      },
    );
  };
  return { pending, submit };
}
