// The server runs TypeScript through tsx, which applies a tsconfig (and its "jsx" option) only to
// the files that tsconfig includes; these pragmas make the automatic JSX runtime hold anywhere.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import type { Brand, Format } from "../brand.ts";
import { Action, Layout, Paragraph, muted } from "./layout.tsx";
import { greeting } from "./orders.tsx";

interface LinkProps {
  name: string | null;
  url: string;
  expiresAt: Date;
}

function Expiry({ format, expiresAt, brand }: { format: Format; expiresAt: Date; brand: Brand }) {
  const time = new Intl.DateTimeFormat(brand.locale, {
    timeStyle: "short",
    timeZone: brand.timeZone,
  }).format(expiresAt);
  return (
    <Paragraph>
      <span style={muted}>
        The link works once and expires on {format.date(expiresAt)} at {time}.
      </span>
    </Paragraph>
  );
}

export type PasswordResetProps = LinkProps;

export function PasswordReset({
  brand,
  format,
  ...p
}: PasswordResetProps & { brand: Brand; format: Format }) {
  return (
    <Layout
      brand={brand}
      preview={`Reset your ${brand.name} password`}
      heading="Reset your password"
      footer="You get this e-mail because someone asked to reset the password of this account. If it was not you, ignore it: your password stays as it is."
    >
      <Paragraph>{greeting(p.name)}</Paragraph>
      <Paragraph>Choose a new password with the button below.</Paragraph>
      <Action brand={brand} href={p.url}>
        Choose a new password
      </Action>
      <Expiry format={format} expiresAt={p.expiresAt} brand={brand} />
    </Layout>
  );
}

export interface EmailChangeProps extends LinkProps {
  newEmail: string;
}

export function EmailChange({
  brand,
  format,
  ...p
}: EmailChangeProps & { brand: Brand; format: Format }) {
  return (
    <Layout
      brand={brand}
      preview={`Confirm ${p.newEmail} for your ${brand.name} account`}
      heading="Confirm your new e-mail address"
      footer="You get this e-mail because someone asked to use this address for their account. If it was not you, ignore it: nothing changes."
    >
      <Paragraph>{greeting(p.name)}</Paragraph>
      <Paragraph>
        Confirm that {p.newEmail} is the address you want to sign in with from now on.
      </Paragraph>
      <Action brand={brand} href={p.url}>
        Confirm {p.newEmail}
      </Action>
      <Expiry format={format} expiresAt={p.expiresAt} brand={brand} />
    </Layout>
  );
}

export interface StaffInvitationProps extends LinkProps {
  invitedBy: string;
  role: string;
}

export function StaffInvitation({
  brand,
  format,
  ...p
}: StaffInvitationProps & { brand: Brand; format: Format }) {
  return (
    <Layout
      brand={brand}
      preview={`${p.invitedBy} invited you to ${brand.name}`}
      heading={`Join ${brand.name}'s billing console`}
      footer="You get this e-mail because a staff member invited this address. If you did not expect it, ignore it."
    >
      <Paragraph>{greeting(p.name)}</Paragraph>
      <Paragraph>
        {p.invitedBy} invited you to {brand.name}'s billing console as {p.role}. Accept the
        invitation and choose your password to sign in.
      </Paragraph>
      <Action brand={brand} href={p.url}>
        Accept the invitation
      </Action>
      <Expiry format={format} expiresAt={p.expiresAt} brand={brand} />
    </Layout>
  );
}
