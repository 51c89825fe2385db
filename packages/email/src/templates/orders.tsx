// The server runs TypeScript through tsx, which applies a tsconfig (and its "jsx" option) only to
// the files that tsconfig includes; these pragmas make the automatic JSX runtime hold anywhere.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Section } from "@react-email/components";
import type { Brand, Format } from "../brand.ts";
import { Action, Facts, Layout, Paragraph, muted } from "./layout.tsx";

export interface Address {
  name: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface OrderConfirmationProps {
  customerName: string | null;
  orderNumber: string;
  placedAt: Date;
  currency: string;
  items: { description: string; quantity: number; amountTotal: number }[];
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  shippingAddress: Address | null;
  orderUrl: string;
}

function greeting(name: string | null) {
  return name ? `Hi ${name},` : "Hello,";
}

function AddressLines({ address }: { address: Address }) {
  const cityLine = [address.postalCode, address.city, address.state].filter(Boolean).join(" ");
  const lines = [address.name, address.line1, address.line2, cityLine, address.country].filter(
    (l): l is string => Boolean(l),
  );
  return (
    <Section>
      <Paragraph>
        <strong>Shipping to</strong>
        {lines.map((l) => (
          <span key={l}>
            <br />
            {l}
          </span>
        ))}
      </Paragraph>
    </Section>
  );
}

export function OrderConfirmation({
  brand,
  format,
  ...p
}: OrderConfirmationProps & { brand: Brand; format: Format }) {
  const rows: [string, string][] = p.items.map((i) => [
    `${i.quantity} × ${i.description}`,
    format.money(i.amountTotal, p.currency),
  ]);
  rows.push(["Subtotal", format.money(p.subtotal, p.currency)]);
  if (p.discount > 0) rows.push(["Discount", `−${format.money(p.discount, p.currency)}`]);
  if (p.shipping > 0) rows.push(["Shipping", format.money(p.shipping, p.currency)]);
  if (p.tax > 0) rows.push(["Tax", format.money(p.tax, p.currency)]);
  rows.push(["Total paid", format.money(p.total, p.currency)]);
  return (
    <Layout
      brand={brand}
      preview={`Order ${p.orderNumber}: ${format.money(p.total, p.currency)} paid`}
      heading="Thank you for your order"
      footer={`You get this e-mail because you placed an order with ${brand.name}.`}
    >
      <Paragraph>{greeting(p.customerName)}</Paragraph>
      <Paragraph>
        We received your payment for order {p.orderNumber} on {format.date(p.placedAt)}.
      </Paragraph>
      <Facts rows={rows} />
      {p.shippingAddress ? <AddressLines address={p.shippingAddress} /> : null}
      <Action brand={brand} href={p.orderUrl}>
        View your order
      </Action>
    </Layout>
  );
}

export interface OrderShippedProps {
  customerName: string | null;
  orderNumber: string;
  shippedAt: Date;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  orderUrl: string;
}

export function OrderShipped({
  brand,
  format,
  ...p
}: OrderShippedProps & { brand: Brand; format: Format }) {
  const rows: [string, string][] = [["Shipped on", format.date(p.shippedAt)]];
  if (p.carrier) rows.push(["Carrier", p.carrier]);
  if (p.trackingNumber) rows.push(["Tracking number", p.trackingNumber]);
  return (
    <Layout
      brand={brand}
      preview={`Order ${p.orderNumber} is on its way`}
      heading="Your order is on its way"
      footer={`You get this e-mail because you placed an order with ${brand.name}.`}
    >
      <Paragraph>{greeting(p.customerName)}</Paragraph>
      <Paragraph>Order {p.orderNumber} has left our warehouse.</Paragraph>
      <Facts rows={rows} />
      {p.trackingUrl ? (
        <Action brand={brand} href={p.trackingUrl}>
          Track your parcel
        </Action>
      ) : (
        <Action brand={brand} href={p.orderUrl}>
          View your order
        </Action>
      )}
    </Layout>
  );
}

export interface RefundIssuedProps {
  customerName: string | null;
  /** The order it refunds, when it refunds a shop order. */
  orderNumber: string | null;
  amount: number;
  currency: string;
  refundedAt: Date;
}

export function RefundIssued({
  brand,
  format,
  ...p
}: RefundIssuedProps & { brand: Brand; format: Format }) {
  const amount = format.money(p.amount, p.currency);
  return (
    <Layout
      brand={brand}
      preview={`${amount} refunded`}
      heading="Your refund is on its way"
      footer={`You get this e-mail because ${brand.name} refunded a payment of yours.`}
    >
      <Paragraph>{greeting(p.customerName)}</Paragraph>
      <Paragraph>
        We refunded {amount}
        {p.orderNumber ? ` for order ${p.orderNumber}` : ""} on {format.date(p.refundedAt)}.
      </Paragraph>
      <Paragraph>
        <span style={muted}>
          It goes back to the card you paid with; your bank usually shows it within 5–10 business
          days.
        </span>
      </Paragraph>
    </Layout>
  );
}

export { greeting };
