import { useQuery } from "@tanstack/react-query";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ROLE_LABELS } from "@/features/auth/session";
import { formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";

/** Invitations sent and not yet accepted; hidden when there are none. */
export function PendingInvitations() {
  const invitations = useQuery(trpc.admin.staff.invitations.queryOptions());
  if (!invitations.data?.length) return null;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Pending invitations</CardTitle>
        <CardDescription>
          Sent and not accepted yet. Inviting the same address again sends a new link and cancels
          the old one.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <ul className="divide-y text-sm">
          {invitations.data.map((i) => (
            <li key={i.email} className="flex flex-wrap justify-between gap-2 py-2">
              <span>
                <span className="font-medium">{i.name ?? i.email}</span>{" "}
                <span className="text-muted-foreground">
                  {i.email} · {i.role ? ROLE_LABELS[i.role] : "Staff"}
                </span>
              </span>
              <span className="text-muted-foreground tabular-nums">
                sent {formatDateTime(i.sentAt)}, expires {formatDateTime(i.expiresAt)}
              </span>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}
