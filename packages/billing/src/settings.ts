import { settings, withTransaction, type Db } from "@folio/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "./audit/actor.ts";
import { audit } from "./audit/audit.ts";
import type { Clock } from "./clock.ts";
import { DomainError } from "./errors.ts";
import { DEFAULT_METRIC_SETTINGS } from "./metrics/settings.ts";
import { startMovementsRebuild } from "./metrics/rebuild-job.ts";
import { METRIC_SETTINGS_KEY, metricSettingsSchema } from "./metrics/store.ts";

// Settings staff change at run time, one row per key in `settings`. Each key has a zod schema
// and a default here; a key nobody saved yet reads as its default. To add a setting, add an
// entry to SETTINGS: reads, writes, validation and the audit row come with it.

/** A three-letter ISO currency code as Stripe writes it (lower case). */
export const currencyCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{3}$/, { message: "Use a three-letter currency code, e.g. usd or eur." });

/** Largest amount in minor units a setting or command accepts (Stripe's own ceiling is 99,999,999). */
export const MAX_MINOR_AMOUNT = 99_999_999;

const isValid = (check: () => unknown) => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};

const emailBrandingSchema = z.object({
  name: z.string().trim().min(1).max(80),
  primaryColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, { message: "Use a hex colour such as #4f46e5." }),
  locale: z.string().refine((l) => isValid(() => new Intl.NumberFormat(l)), {
    message: "Use a locale such as en-US or de-DE.",
  }),
  timeZone: z
    .string()
    .refine((tz) => isValid(() => new Intl.DateTimeFormat("en", { timeZone: tz })), {
      message: "Use an IANA time zone such as Europe/Berlin.",
    }),
  supportEmail: z.email().nullable(),
});

export const SETTINGS = {
  /**
   * Per currency, the largest refund or credit grant (minor units) support may make alone;
   * above it, or in a currency not listed, the action waits for finance or an admin to approve.
   */
  "approvals.support_limits": {
    schema: z.record(currencyCode, z.number().int().min(0).max(MAX_MINOR_AMOUNT)),
    default: { usd: 10_000, eur: 10_000, gbp: 10_000 } as Record<string, number>,
  },
  /**
   * How revenue metrics recognise churn (docs/METRICS.md, "Recognition settings"): a past_due
   * subscription stops counting N days after it went past_due (null: when Stripe ends it), and
   * churn at the cancellation request instead of at the end. MRR movements are derived with
   * the settings in force: saving a different value asks for every customer's movements to be
   * recomputed in the background (metrics/rebuild.ts).
   */
  [METRIC_SETTINGS_KEY]: {
    schema: metricSettingsSchema,
    default: DEFAULT_METRIC_SETTINGS,
  },
  /** How e-mails to customers and staff look: the merchant's name and colour, the locale and
   * time zone of money and dates, and the address replies should go to. */
  "email.branding": {
    schema: emailBrandingSchema,
    default: {
      name: "Folio",
      primaryColor: "#4f46e5",
      locale: "en-US",
      timeZone: "UTC",
      supportEmail: null,
    } as z.output<typeof emailBrandingSchema>,
  },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]["schema"]>;
export const SETTING_KEYS = Object.keys(SETTINGS) as [SettingKey, ...SettingKey[]];

/**
 * The value of `key`, or its default when never saved. A stored value that no longer fits the
 * schema (an older release wrote it) reads as the default rather than failing every caller.
 */
export async function getSetting<K extends SettingKey>(db: Db, key: K): Promise<SettingValue<K>> {
  const row = await db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, key))
    .get();
  const def = SETTINGS[key];
  if (!row) return def.default as SettingValue<K>;
  const parsed = def.schema.safeParse(row.value);
  return (parsed.success ? parsed.data : def.default) as SettingValue<K>;
}

/** One row per key: a union discriminated by `key`, so checking the key narrows the value. */
export type SettingRow<K extends SettingKey = SettingKey> = {
  [P in K]: { key: P; value: SettingValue<P>; updatedBy: string | null; updatedAt: Date | null };
}[K];

function settingRow<K extends SettingKey>(
  key: K,
  row: { value: unknown; updatedBy: string | null; updatedAt: Date | null } | undefined,
): SettingRow<K> {
  const parsed = row ? SETTINGS[key].schema.safeParse(row.value) : null;
  // TypeScript cannot tie a generic key to its member of the union; the schema lookup does.
  return {
    key,
    value: parsed?.success ? parsed.data : SETTINGS[key].default,
    updatedBy: row?.updatedBy ?? null,
    updatedAt: row?.updatedAt ?? null,
  } as SettingRow<K>;
}

/** Every setting with its value (saved or default) and who saved it last. */
export async function listSettings(db: Db): Promise<SettingRow[]> {
  const rows = await db.select().from(settings);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return SETTING_KEYS.map((key) => settingRow(key, byKey.get(key)));
}

/** Validates and saves `value` for `key`, audited as `setting.updated` with before and after. */
export async function updateSetting<K extends SettingKey>(
  deps: { db: Db; clock: Clock; actor: Extract<Actor, { type: "staff" }> },
  key: K,
  value: unknown,
  reason?: string | null,
): Promise<SettingValue<K>> {
  const parsed = SETTINGS[key].schema.safeParse(value);
  if (!parsed.success) {
    throw new DomainError(
      "BAD_REQUEST",
      `Invalid value for ${key}: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
    );
  }
  const next = parsed.data as SettingValue<K>;
  const now = deps.clock.now();
  await withTransaction(deps.db, async (tx) => {
    const before = await getSetting(tx, key);
    await tx
      .insert(settings)
      .values({ key, value: next, updatedBy: deps.actor.userId, updatedAt: now })
      .onConflictDoUpdate({
        target: settings.key,
        set: { value: next, updatedBy: deps.actor.userId, updatedAt: now },
      });
    await audit(tx, deps.actor, {
      action: "setting.updated",
      target: `setting:${key}`,
      before: { value: before },
      after: { value: next },
      reason: reason ?? null,
      at: now,
    });
    if (key === METRIC_SETTINGS_KEY && JSON.stringify(before) !== JSON.stringify(next))
      await startMovementsRebuild({ db: tx, clock: deps.clock });
  });
  return next;
}
