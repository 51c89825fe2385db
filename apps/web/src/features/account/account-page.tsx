import { getRouteApi } from "@tanstack/react-router";
import { PageHeader } from "@/components/page-header";
import { PasswordForm } from "@/features/account/password-form";
import { ProfileForm } from "@/features/account/profile-form";
import { SessionsCard } from "@/features/account/sessions-card";

const billingRoute = getRouteApi("/billing");

/** The signed-in customer's own account: name and email, password, sessions. */
export function AccountPage() {
  const { me } = billingRoute.useRouteContext();
  return (
    <div className="space-y-6">
      <PageHeader title="Account" description="Your sign-in details and where you're signed in." />
      <div className="grid gap-6 lg:grid-cols-2">
        {/* Keyed by the saved values, so the form starts from them after a change elsewhere. */}
        <ProfileForm key={`${me.user.name}\u0000${me.user.email}`} me={me} />
        <PasswordForm />
      </div>
      <SessionsCard />
    </div>
  );
}
