import { describe, expect, it } from "vitest";
import { PdfDocument, textWidth } from "./pdf.ts";
import { parsePdf } from "./pdf.test-utils.ts";

describe("PDF writer", () => {
  it("writes a structurally valid PDF 1.4 with correct xref offsets", () => {
    const doc = new PdfDocument({ title: "Test (1)" });
    doc.addPage().text(72, 700, "Hello, PDF", { font: "bold", size: 18 }).line(72, 690, 540, 690);
    const pdf = parsePdf(doc.toBuffer());
    expect(pdf.version).toBe("1.4");
    expect(pdf.pages).toBe(1);
    expect(pdf.text).toBe("Hello, PDF");
    expect(pdf.objects.get(5)).toContain("/Title (Test \\(1\\))");
  });

  it("escapes delimiters and encodes Latin-1 and € as WinAnsi", () => {
    const doc = new PdfDocument();
    doc.addPage().text(72, 700, "a (b) \\ c — €12,50 Zürich ✓");
    const bytes = doc.toBuffer();
    const pdf = parsePdf(bytes);
    // ✓ has no WinAnsi code and becomes "?"; the rest round-trips byte for byte.
    expect(pdf.text).toBe("a (b) \\ c \x97 \x8012,50 Z\xfcrich ?");
    expect(bytes.toString("latin1")).toContain(
      "(a \\(b\\) \\\\ c \\227 \\20012,50 Z\\374rich ?) Tj",
    );
  });

  it("keeps offsets right across many pages", () => {
    const doc = new PdfDocument();
    for (let i = 0; i < 12; i++) doc.addPage().text(72, 700, `Page ${i + 1}`);
    const pdf = parsePdf(doc.toBuffer());
    expect(pdf.pages).toBe(12);
    expect(pdf.text.split("\n")).toEqual(Array.from({ length: 12 }, (_, i) => `Page ${i + 1}`));
  });

  it("measures Helvetica text for right alignment", () => {
    expect(textWidth("0000", "regular", 10)).toBeCloseTo(22.24);
    expect(textWidth("W", "bold", 10)).toBeCloseTo(9.44);
    const doc = new PdfDocument();
    doc.addPage().text(500, 700, "1000", { align: "right", size: 10 });
    expect(doc.toBuffer().toString("latin1")).toContain("477.76 700 Td (1000) Tj");
  });
});
