import { describe, expect, it } from "vitest";
import { minorToDecimal, toCsv } from "@/features/revenue/csv";

describe("toCsv", () => {
  const columns = [
    { header: "Customer", value: (r: { name: string; mrr: number }) => r.name },
    { header: "MRR", value: (r: { name: string; mrr: number }) => r.mrr },
  ];

  it("writes a header and one CRLF-terminated line per row", () => {
    expect(toCsv(columns, [{ name: "Acme", mrr: 4900 }])).toBe("Customer,MRR\r\nAcme,4900\r\n");
  });

  it("quotes commas, quotes and line breaks", () => {
    const csv = toCsv(columns, [{ name: 'Acme, "Inc"\nEU', mrr: 1 }]);
    expect(csv).toBe('Customer,MRR\r\n"Acme, ""Inc""\nEU",1\r\n');
  });

  it("keeps spreadsheet formulas in user text inert", () => {
    expect(toCsv(columns, [{ name: "=HYPERLINK(1)", mrr: -5 }])).toBe(
      "Customer,MRR\r\n'=HYPERLINK(1),-5\r\n",
    );
    expect(toCsv(columns, [{ name: "-12.50", mrr: 0 }])).toBe("Customer,MRR\r\n-12.50,0\r\n");
    expect(toCsv(columns, [{ name: "-1+1", mrr: 0 }])).toBe("Customer,MRR\r\n'-1+1,0\r\n");
  });
});

describe("minorToDecimal", () => {
  it.each([
    [123450, 2, "1234.50"],
    [5, 2, "0.05"],
    [-5, 2, "-0.05"],
    [0, 2, "0.00"],
    [1500, 0, "1500"],
    [5124, 3, "5.124"],
  ])("%d with %d digits is %s", (amount, digits, text) => {
    expect(minorToDecimal(amount, digits)).toBe(text);
  });
});
