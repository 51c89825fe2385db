import { isoDate, oneOf, text, type SearchParser } from "@/lib/search-params";

// The revenue view lives in the URL (tab, currency, range, bucket and what is being explained),
// so finance can reload or share exactly what it is looking at. URL values are untrusted:
// anything invalid falls back to the default instead of failing the page.

export const REVENUE_TABS = ["overview", "months", "reconcile"] as const;
export type RevenueTab = (typeof REVENUE_TABS)[number];

export const RANGES = [12, 24] as const;
export type RangeMonths = (typeof RANGES)[number];

export const BUCKETS = ["day", "week", "month"] as const;
export type Bucket = (typeof BUCKETS)[number];

/** The KPI cards compare the last N days with the N days before. */
export const KPI_PERIODS = [30, 90, 365] as const;
export type KpiDays = (typeof KPI_PERIODS)[number];

export const MOVEMENT_KINDS = ["new", "expansion", "reactivation", "contraction", "churn"] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** What the explain panel is showing: the MRR at one instant, or movements over a bucket. */
export type ExplainTarget =
  | { what: "mrr"; at: string }
  | { what: "movements"; from: string; to: string; kind?: MovementKind };

const parseKind = oneOf(MOVEMENT_KINDS);

const parseExplain: SearchParser<ExplainTarget> = (value) => {
  if (typeof value !== "object" || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  if (raw.what === "mrr") {
    const at = isoDate(raw.at);
    return at === undefined ? undefined : { what: "mrr", at };
  }
  if (raw.what !== "movements") return undefined;
  const from = isoDate(raw.from);
  const to = isoDate(raw.to);
  // A kind that is present must be valid; absent means every kind.
  const kind = raw.kind === undefined ? undefined : parseKind(raw.kind);
  if (from === undefined || to === undefined || (raw.kind !== undefined && !kind)) return undefined;
  return kind ? { what: "movements", from, to, kind } : { what: "movements", from, to };
};

const fields: Record<keyof RevenueSearch, SearchParser<unknown>> = {
  tab: oneOf(REVENUE_TABS),
  currency: text({ pattern: /^[a-z]{3}$/ }),
  range: oneOf(RANGES),
  bucket: oneOf(BUCKETS),
  kpi: oneOf(KPI_PERIODS),
  explain: parseExplain,
};

export interface RevenueSearch {
  tab?: RevenueTab;
  currency?: string;
  range?: RangeMonths;
  bucket?: Bucket;
  kpi?: KpiDays;
  explain?: ExplainTarget;
}

const DEFAULTS = { tab: "overview", range: 12, bucket: "month", kpi: 30 } as const;

/** validateSearch for /admin/revenue: keeps valid values that differ from their default. */
export function parseRevenueSearch(raw: Record<string, unknown>): RevenueSearch {
  const out: Record<string, unknown> = {};
  for (const [key, parseValue] of Object.entries(fields)) {
    const value = parseValue(raw[key]);
    if (value === undefined) continue;
    if (DEFAULTS[key as keyof typeof DEFAULTS] === value) continue;
    out[key] = value;
  }
  return out;
}

export function viewOf(search: RevenueSearch) {
  return {
    tab: search.tab ?? DEFAULTS.tab,
    range: search.range ?? DEFAULTS.range,
    bucket: search.bucket ?? DEFAULTS.bucket,
    kpi: search.kpi ?? DEFAULTS.kpi,
  };
}

// ---------------------------------------------------------------------------------------------
// Date windows (UTC calendar days, `to` exclusive), the same on every reader's machine

const DAY = 86_400_000;

export function isoDayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function addUtcMonths(ms: number, months: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate());
}

/**
 * The window a chart covers: the last `range` months up to and including today, cut so it
 * starts on a bucket boundary and never spans more than `range` calendar months (the server's
 * limit is 24).
 */
export function chartWindow(now: number, range: RangeMonths, bucket: Bucket) {
  const tomorrow = startOfUtcDay(now) + DAY;
  let from: number;
  // The last bucket runs to the end of today (month or week to date), never into the future.
  const to = tomorrow;
  if (bucket === "month") {
    const d = new Date(now);
    from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1 - range, 1);
  } else if (bucket === "week") {
    // ISO weeks start on Monday; the first whole week inside the window.
    const earliest = addUtcMonths(tomorrow, -range);
    const weekday = (new Date(earliest).getUTCDay() + 6) % 7;
    from = weekday === 0 ? earliest : earliest + (7 - weekday) * DAY;
  } else {
    from = addUtcMonths(tomorrow, -range);
  }
  return { from: isoDayOf(from), to: isoDayOf(to) };
}

/** The KPI cards' period: the last `days` days up to the end of today. */
export function kpiWindow(now: number, days: KpiDays) {
  const tomorrow = startOfUtcDay(now) + DAY;
  return { from: isoDayOf(tomorrow - days * DAY), to: isoDayOf(tomorrow) };
}
