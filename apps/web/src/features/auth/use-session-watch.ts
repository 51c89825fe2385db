import { useQuery } from "@tanstack/react-query";
import { useRouter } from "@tanstack/react-router";
import { useEffect } from "react";
import { meQueryOptions } from "@/features/auth/session";

/**
 * Keeps an app frame honest about the session: when `auth.me` comes back empty (signed out in
 * another tab, "sign out everywhere" on another device, expiry), the route guards run again and
 * send the user to sign in.
 */
export function useSessionWatch(): void {
  const router = useRouter();
  const { data } = useQuery(meQueryOptions());
  useEffect(() => {
    if (data === null) void router.invalidate();
  }, [data, router]);
}
