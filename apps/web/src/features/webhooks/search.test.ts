import { describe, expect, it } from "vitest";
import { validateWebhookSearch } from "@/features/webhooks/search";

describe("validateWebhookSearch", () => {
  it("keeps a valid view", () => {
    expect(
      validateWebhookSearch({ status: "dead", type: "invoice.*", cursor: "abc", event: "evt_1" }),
    ).toEqual({ status: "dead", type: "invoice.*", cursor: "abc", event: "evt_1" });
  });

  it("drops what the server would refuse instead of failing the page", () => {
    expect(
      validateWebhookSearch({ status: "exploded", type: "drop table;", cursor: 5, event: "" }),
    ).toEqual({ status: undefined, type: undefined, cursor: undefined, event: undefined });
  });
});
