// The server runs TypeScript through tsx, which applies a tsconfig (and its "jsx" option) only to
// the files that tsconfig includes; these pragmas make the automatic JSX runtime hold anywhere.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {
  Body,
  Button,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Preview,
  Section,
  Text,
} from "@react-email/components";
import type { ReactNode } from "react";
import type { Brand } from "../brand.ts";

// One frame for every e-mail: the merchant's name on top, their colour on the rule and buttons,
// and a footer saying why the reader got it.

const body = { backgroundColor: "#f6f7f9", fontFamily: "Helvetica, Arial, sans-serif" };
const container = {
  backgroundColor: "#ffffff",
  margin: "24px auto",
  padding: "24px 32px",
  maxWidth: "560px",
  borderRadius: "8px",
};
export const muted = { color: "#6b7280", fontSize: "13px", lineHeight: "20px" };
export const paragraph = { color: "#111827", fontSize: "15px", lineHeight: "24px" };

export function Layout({
  brand,
  preview,
  heading,
  footer,
  children,
}: {
  brand: Brand;
  preview: string;
  heading: string;
  /** Why the reader got this e-mail. */
  footer: string;
  children: ReactNode;
}) {
  return (
    <Html lang={brand.locale}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Text style={{ ...paragraph, fontWeight: 700, fontSize: "18px", margin: 0 }}>
            {brand.name}
          </Text>
          <Hr
            style={{ borderColor: brand.primaryColor, borderWidth: "2px 0 0", margin: "12px 0" }}
          />
          <Heading as="h1" style={{ fontSize: "22px", color: "#111827" }}>
            {heading}
          </Heading>
          {children}
          <Hr style={{ borderColor: "#e5e7eb", margin: "24px 0 12px" }} />
          <Text style={muted}>
            {footer}
            {brand.supportEmail ? ` Questions? Write to ${brand.supportEmail}.` : ""}
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={paragraph}>{children}</Text>;
}

export function Action({
  brand,
  href,
  children,
}: {
  brand: Brand;
  href: string;
  children: ReactNode;
}) {
  return (
    <Section style={{ margin: "20px 0" }}>
      <Button
        href={href}
        style={{
          backgroundColor: brand.primaryColor,
          color: "#ffffff",
          padding: "12px 20px",
          borderRadius: "6px",
          fontWeight: 600,
          fontSize: "15px",
        }}
      >
        {children}
      </Button>
      <Text style={muted}>Or open this link: {href}</Text>
    </Section>
  );
}

/** Label/value lines (totals, dates), right-aligned values. */
export function Facts({ rows }: { rows: readonly (readonly [string, string])[] }) {
  return (
    <table className="facts" width="100%" cellPadding={0} cellSpacing={0} role="presentation">
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <td style={{ ...paragraph, padding: "2px 0" }}>{label}</td>
            <td style={{ ...paragraph, padding: "2px 0", textAlign: "right" }}>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
