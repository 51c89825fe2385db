import { z } from "zod";

// Inputs of admin.revenue.*: what a person can get wrong is said in words they can act on.

/** The longest range a chart or explanation may cover, in calendar months. */
export const MAX_RANGE_MONTHS = 24;

const currency = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{3}$/, "currency must be a three-letter ISO code, e.g. usd");

/** A UTC calendar day, `YYYY-MM-DD`; metrics buckets start at 00:00 UTC. */
const day = z.iso.date("must be a date as YYYY-MM-DD").transform((d) => new Date(`${d}T00:00:00Z`));

function addUtcMonths(date: Date, months: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, date.getUTCDate()));
}

const rangeShape = { currency, from: day, to: day };

/** `[from, to)` must be non-empty and at most MAX_RANGE_MONTHS long. */
function checkRange(r: { from: Date; to: Date }, ctx: z.RefinementCtx): void {
  if (r.from >= r.to) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "to must be after from" });
  } else if (r.to > addUtcMonths(r.from, MAX_RANGE_MONTHS)) {
    ctx.addIssue({
      code: "custom",
      path: ["to"],
      message: `The range can cover at most ${MAX_RANGE_MONTHS} months; pick a later from or an earlier to.`,
    });
  }
}

/** `[from, to)` in one currency. */
export const rangeInput = z.object(rangeShape).superRefine(checkRange);

export const seriesInput = z
  .object({ ...rangeShape, bucket: z.enum(["day", "week", "month"]) })
  .superRefine(checkRange);

/** Rows per page of an explanation; its total always covers every page. */
export const EXPLAIN_PAGE_SIZE = 100;
const explainPage = {
  limit: z.number().int().min(1).max(500).default(EXPLAIN_PAGE_SIZE),
  cursor: z.string().min(1).max(512).optional(),
};

/** Without `kind`, every movement (the total is net new MRR). */
export const explainMovementsInput = z
  .object({
    ...rangeShape,
    kind: z.enum(["new", "expansion", "contraction", "churn", "reactivation"]).optional(),
    ...explainPage,
  })
  .superRefine(checkRange);

export const explainMrrInput = z.object({ currency, at: day, ...explainPage });

export const planMixInput = z.object({ currency, at: day.optional() });

export const monthInput = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "month must be YYYY-MM, e.g. 2026-11"),
});

export const reconcileInput = z.object({ currency: currency.optional() }).default({});
