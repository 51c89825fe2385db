import { z } from "zod";
import { describe, expect, it } from "vitest";
import { ApiError } from "./errors.ts";
import {
  applyMetadata,
  bool,
  int,
  list,
  listShape,
  metadata,
  obj,
  oneOf,
  parseParams,
} from "./params.ts";

function errorOf(fn: () => unknown): { param?: string; code?: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return { ...e.toBody().error };
    throw e;
  }
  throw new Error("expected an ApiError");
}

describe("parseParams → Stripe-style 400s", () => {
  const schema = obj({
    ...listShape,
    amount: int({ min: 0 }),
    confirm: bool().optional(),
    items: list(obj({ price: z.string(), quantity: int({ min: 1 }).optional() })).optional(),
    interval: oneOf(["day", "month"]).optional(),
    metadata: metadata().optional(),
  });

  it("coerces form strings", () => {
    expect(
      parseParams(schema, {
        amount: "5",
        confirm: "true",
        items: { "0": { price: "price_1", quantity: "2" }, "1": { price: "price_2" } },
        created: { gte: "10" },
      }),
    ).toMatchObject({
      amount: 5,
      confirm: true,
      items: [{ price: "price_1", quantity: 2 }, { price: "price_2" }],
      created: { gte: 10 },
    });
  });

  it("names the failing param in bracket notation", () => {
    expect(errorOf(() => parseParams(schema, {}))).toMatchObject({
      param: "amount",
      code: "parameter_missing",
      message: "Missing required param: amount.",
    });
    expect(
      errorOf(() => parseParams(schema, { amount: "1", items: [{ quantity: "1" }] })),
    ).toMatchObject({
      param: "items[0][price]",
      code: "parameter_missing",
    });
    expect(
      errorOf(() => parseParams(schema, { amount: "1", items: [{ price: "p", quantity: "0" }] })),
    ).toMatchObject({
      param: "items[0][quantity]",
    });
    expect(errorOf(() => parseParams(schema, { amount: "1", interval: "year" }))).toMatchObject({
      param: "interval",
      message: "Invalid interval: must be one of day, month",
    });
    expect(errorOf(() => parseParams(schema, { amount: "1", bogus: "x" }))).toMatchObject({
      param: "bogus",
      code: "parameter_unknown",
    });
    expect(
      errorOf(() => parseParams(schema, { amount: "1", created: { gte: "soon" } })),
    ).toMatchObject({
      param: "created[gte]",
      message: "Invalid integer: soon",
    });
    expect(errorOf(() => parseParams(schema, { amount: "1", metadata: "x" }))).toMatchObject({
      param: "metadata",
    });
  });

  it("applies metadata with Stripe's unset rules", () => {
    expect(applyMetadata({ a: "1", b: "2" }, { a: "", c: "3" })).toEqual({ b: "2", c: "3" });
    expect(applyMetadata({ a: "1" }, null)).toEqual({});
    expect(applyMetadata({ a: "1" }, undefined)).toEqual({ a: "1" });
  });
});
