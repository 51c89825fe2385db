import { describe, expect, it, vi } from "vitest";

// A fresh module per test: which toast came first is module state.
async function freshToast() {
  vi.resetModules();
  return import("@/lib/toast");
}

describe("onFirstToast", () => {
  it("mounts the Toaster only when a toast is raised", async () => {
    const { onFirstToast, toast } = await freshToast();
    const mount = vi.fn();
    onFirstToast(mount);
    expect(mount).not.toHaveBeenCalled();
    toast.success("Saved");
    expect(mount).toHaveBeenCalledTimes(1);
  });

  it("mounts at once for a toast raised before the Toaster was there", async () => {
    const { onFirstToast, toast } = await freshToast();
    toast.info("Welcome back");
    const mount = vi.fn();
    onFirstToast(mount);
    expect(mount).toHaveBeenCalledTimes(1);
  });

  it("forgets a Toaster that unmounted", async () => {
    const { onFirstToast, toast } = await freshToast();
    const mount = vi.fn();
    onFirstToast(mount)();
    toast.error("Failed");
    expect(mount).not.toHaveBeenCalled();
  });
});
