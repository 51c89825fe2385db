// The server runs TypeScript through tsx, which applies a tsconfig (and its "jsx" option) only to
// the files that tsconfig includes; these pragmas make the automatic JSX runtime hold anywhere.
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import type { Brand, Format } from "../brand.ts";
import { Action, Facts, Layout, Paragraph } from "./layout.tsx";
import { greeting } from "./orders.tsx";

// Usage alerts (issue 13): credits running low, a plan's allowance used up. Both link to the
// portal's Usage page, where the customer buys credits.

const usageFooter = (brand: Brand) =>
  `You get this e-mail because your ${brand.name} account uses prepaid credits or a usage plan.`;

/** Credits are counts, not money: grouped the way the merchant's customers read numbers. */
export const units = (brand: Brand, n: number) => new Intl.NumberFormat(brand.locale).format(n);

export interface LowBalanceProps {
  customerName: string | null;
  balance: number;
  /** The balance under which credits count as low. */
  threshold: number;
  usageUrl: string;
}

export function LowBalance({ brand, ...p }: LowBalanceProps & { brand: Brand; format: Format }) {
  const empty = p.balance === 0;
  return (
    <Layout
      brand={brand}
      preview={empty ? "You have no credits left" : `${units(brand, p.balance)} credits left`}
      heading={empty ? "You are out of credits" : "Your credits are running low"}
      footer={usageFooter(brand)}
    >
      <Paragraph>{greeting(p.customerName)}</Paragraph>
      <Paragraph>
        {empty
          ? "Your credit balance is used up. Usage paid from credits is refused until you add more."
          : `Your credit balance fell below ${units(brand, p.threshold)} credits. Add credits so usage paid from them is not refused.`}
      </Paragraph>
      <Facts rows={[["Credit balance", units(brand, p.balance)]]} />
      <Action brand={brand} href={p.usageUrl}>
        Buy credits
      </Action>
    </Layout>
  );
}

export interface UsageLimitReachedProps {
  customerName: string | null;
  /** The meter's display name, e.g. "API calls". */
  meterName: string;
  included: number;
  /** When the allowance starts again. */
  periodEnd: Date;
  usageUrl: string;
}

export function UsageLimitReached({
  brand,
  format,
  ...p
}: UsageLimitReachedProps & { brand: Brand; format: Format }) {
  return (
    <Layout
      brand={brand}
      preview={`Your plan's ${p.meterName} for this period are used up`}
      heading={`You reached your ${p.meterName} limit`}
      footer={usageFooter(brand)}
    >
      <Paragraph>{greeting(p.customerName)}</Paragraph>
      <Paragraph>
        Your plan includes {units(brand, p.included)} {p.meterName} per period and they are used up.
        Further {p.meterName} are refused until the period ends on {format.date(p.periodEnd)}. To
        keep going before then, change to a plan that includes more.
      </Paragraph>
      <Facts
        rows={[
          ["Used", `${units(brand, p.included)} of ${units(brand, p.included)}`],
          ["Allowance renews", format.date(p.periodEnd)],
        ]}
      />
      <Action brand={brand} href={p.usageUrl}>
        See your usage
      </Action>
    </Layout>
  );
}
