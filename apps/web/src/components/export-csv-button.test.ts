import { describe, expect, it } from "vitest";
import { exportCsvUrl } from "@/components/export-csv-button";

describe("exportCsvUrl", () => {
  it("sends the list's filters and order, not its page", () => {
    const url = exportCsvUrl("orders", {
      limit: 50,
      cursor: "abc",
      state: "paid",
      sort: { by: "placedAt", direction: "desc" },
    });
    const [path, query] = url.split("?");
    expect(path).toBe("/api/export/orders.csv");
    expect(JSON.parse(new URLSearchParams(query).get("input")!)).toEqual({
      state: "paid",
      sort: { by: "placedAt", direction: "desc" },
    });
  });

  it("leaves the query off without filters", () => {
    expect(exportCsvUrl("audit", { limit: 25 })).toBe("/api/export/audit.csv");
  });
});
