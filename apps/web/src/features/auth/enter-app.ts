import { homeFor } from "@/features/auth/destinations";
import type { Me } from "@/features/auth/session";
import { loadPage } from "@/lib/flash";

/**
 * Signed in: load the SPA where the visitor was going (or their home), welcoming them there.
 * A full page load, so nothing cached for a previous account can survive into this one.
 */
export function enterApp(me: Me, redirectTo: string | undefined, welcome: string): Promise<never> {
  return loadPage(redirectTo ?? homeFor(me.user.role), {
    replace: true,
    flash: { kind: "success", message: welcome },
  });
}
