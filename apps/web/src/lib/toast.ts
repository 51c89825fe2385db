import type { ExternalToast } from "sonner";

type Kind = "success" | "error" | "info";

/**
 * sonner's `toast`, without sonner in the first visit's JavaScript: the call loads it (the
 * lazily mounted `Toaster` has usually loaded it already). A toast raised before the Toaster
 * subscribes is kept by sonner and shown when it does.
 */
function show(kind: Kind, message: string, options?: ExternalToast): void {
  void import("sonner").then(({ toast }) => toast[kind](message, options));
}

export const toast = {
  success: (message: string, options?: ExternalToast) => show("success", message, options),
  error: (message: string, options?: ExternalToast) => show("error", message, options),
  info: (message: string, options?: ExternalToast) => show("info", message, options),
};
