import { describe, expect, it } from "vitest";
import { webhookListSearch } from "@/features/webhooks/search";

describe("webhookListSearch", () => {
  it("keeps a valid view", () => {
    expect(
      webhookListSearch.parse({
        status: "dead",
        type: "invoice.*",
        cursor: "abc",
        back: ["xyz"],
        event: "evt_1",
      }),
    ).toEqual({ status: "dead", type: "invoice.*", cursor: "abc", back: ["xyz"], event: "evt_1" });
  });

  it("drops what the server would refuse instead of failing the page", () => {
    expect(
      webhookListSearch.parse({ status: "exploded", type: "drop table;", cursor: 5, event: "" }),
    ).toEqual({});
  });

  it("asks the server for the filtered page, newest first", () => {
    expect(
      webhookListSearch.queryInput({ type: "invoice.*", cursor: "abc", event: "evt_1" }),
    ).toEqual({ limit: 25, cursor: "abc", type: "invoice.*" });
  });
});
