import type { ExternalToast } from "sonner";

type Kind = "success" | "error" | "info";

/**
 * sonner's `toast`, without sonner in the first visit's JavaScript: the call loads it and mounts
 * the Toaster (`onFirstToast`). A toast raised before the Toaster subscribes is kept by sonner
 * and shown when it does.
 */
function show(kind: Kind, message: string, options?: ExternalToast): void {
  raised = true;
  mountToaster?.();
  void import("sonner").then(({ toast }) => toast[kind](message, options));
}

let raised = false;
let mountToaster: (() => void) | null = null;

/**
 * Calls `mount` when the first toast is raised (at once if one has been): the Toaster, and
 * sonner with it, loads only for a page that has something to say.
 */
export function onFirstToast(mount: () => void): () => void {
  mountToaster = mount;
  if (raised) mount();
  return () => {
    if (mountToaster === mount) mountToaster = null;
  };
}

export const toast = {
  success: (message: string, options?: ExternalToast) => show("success", message, options),
  error: (message: string, options?: ExternalToast) => show("error", message, options),
  info: (message: string, options?: ExternalToast) => show("info", message, options),
};
