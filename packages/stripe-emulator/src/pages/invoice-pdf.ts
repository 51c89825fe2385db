import type Stripe from "stripe";
import { formatMoney } from "../resources/shared.ts";
import { PdfDocument, type PdfPage, textWidth } from "./pdf.ts";
import { customerTaxIdLines, invoiceTaxRows } from "../tax/invoice-labels.ts";

/**
 * Renders an invoice as a PDF: a header with the invoice number and dates, the seller and
 * the customer, a table of lines (continued on further pages when long), and the totals.
 */

const MARGIN = 54;
const PAGE_W = 612;
const PAGE_H = 792;
const RIGHT = PAGE_W - MARGIN;
const COL_QTY = 380;
const COL_UNIT = 470;
const BOTTOM = 90;

function date(unix: number | null | undefined): string {
  if (!unix) return "—";
  return new Intl.DateTimeFormat("en-US", {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  }).format(new Date(unix * 1000));
}

/** Splits text into lines no wider than `width` points (words longer than a line are cut). */
function wrap(text: string, width: number, size: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate, "regular", size) <= width) {
      line = candidate;
      continue;
    }
    if (line) out.push(line);
    let rest = word;
    while (textWidth(rest, "regular", size) > width) {
      let cut = rest.length - 1;
      while (cut > 1 && textWidth(rest.slice(0, cut), "regular", size) > width) cut--;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line) out.push(line);
  return out.length > 0 ? out : [""];
}

function addressLines(address: Stripe.Address | null | undefined): string[] {
  if (!address) return [];
  const cityLine = [address.city, address.state, address.postal_code].filter(Boolean).join(", ");
  return [address.line1, address.line2, cityLine, address.country].filter(
    (x): x is string => typeof x === "string" && x.length > 0,
  );
}

function statusLabel(invoice: Stripe.Invoice): string {
  switch (invoice.status) {
    case "paid":
      return `Paid ${date(invoice.status_transitions.paid_at)}`;
    case "void":
      return "Void";
    case "uncollectible":
      return "Uncollectible";
    case "draft":
      return "Draft";
    default:
      return invoice.due_date ? `Due ${date(invoice.due_date)}` : "Open";
  }
}

/** The amount an invoice leads with and what it means ("due by May 1, 2026", "paid on …"). */
export function invoiceHeadlineParts(invoice: Stripe.Invoice): { amount: string; caption: string } {
  const money = (n: number) => formatMoney(n, invoice.currency);
  switch (invoice.status) {
    case "paid":
      return {
        amount: money(invoice.amount_paid),
        caption: `paid on ${date(invoice.status_transitions.paid_at)}`,
      };
    case "void":
      return { amount: money(invoice.total), caption: "void" };
    case "uncollectible":
      return { amount: money(invoice.amount_remaining), caption: "marked uncollectible" };
    case "draft":
      return { amount: money(invoice.amount_due), caption: "draft" };
    default:
      return {
        amount: money(invoice.amount_remaining),
        caption: invoice.due_date ? `due by ${date(invoice.due_date)}` : "due",
      };
  }
}

/** "$15.00 due by May 1, 2026", "$15.00 paid on …" — the line both the page and PDF lead with. */
export function invoiceHeadline(invoice: Stripe.Invoice): string {
  const { amount, caption } = invoiceHeadlineParts(invoice);
  return `${amount} ${caption}`;
}

function tableHeader(page: PdfPage, y: number): number {
  page.text(MARGIN, y, "Description", { font: "bold", size: 9, gray: 0.35 });
  page.text(COL_QTY, y, "Qty", { font: "bold", size: 9, gray: 0.35, align: "right" });
  page.text(COL_UNIT, y, "Unit price", { font: "bold", size: 9, gray: 0.35, align: "right" });
  page.text(RIGHT, y, "Amount", { font: "bold", size: 9, gray: 0.35, align: "right" });
  page.line(MARGIN, y - 6, RIGHT, y - 6, 0.75, 0.7);
  return y - 22;
}

/** Title, invoice details, bill-to and from, the headline; returns where the lines start. */
function drawHeader(page: PdfPage, invoice: Stripe.Invoice): number {
  let y = PAGE_H - MARGIN - 10;
  page.text(MARGIN, y, "Invoice", { font: "bold", size: 24 });
  page.text(RIGHT, y, invoice.account_name ?? "Stripe emulator", {
    font: "bold",
    size: 12,
    align: "right",
  });
  y -= 30;

  const meta: [string, string][] = [
    ["Invoice number", invoice.number ?? "Draft"],
    ["Date of issue", date(invoice.status_transitions.finalized_at ?? invoice.created)],
    [
      "Date due",
      date(invoice.due_date ?? invoice.status_transitions.finalized_at ?? invoice.created),
    ],
    ["Status", statusLabel(invoice)],
  ];
  for (const [label, value] of meta) {
    page.text(MARGIN, y, label, { size: 10, gray: 0.35 });
    page.text(MARGIN + 100, y, value, { size: 10 });
    y -= 15;
  }
  y -= 12;

  const billTo = [
    invoice.customer_name,
    ...addressLines(invoice.customer_address),
    invoice.customer_email,
    ...customerTaxIdLines(invoice),
  ].filter((x): x is string => typeof x === "string" && x.length > 0);
  page.text(MARGIN, y, "Bill to", { font: "bold", size: 10 });
  page.text(320, y, "From", { font: "bold", size: 10 });
  let left = y - 15;
  for (const line of billTo.length > 0 ? billTo : ["—"]) {
    page.text(MARGIN, left, line, { size: 10 });
    left -= 14;
  }
  page.text(320, y - 15, invoice.account_name ?? "Stripe emulator", { size: 10 });
  page.text(320, y - 29, "Test mode", { size: 10, gray: 0.45 });
  y = Math.min(left, y - 29) - 24;

  page.rect(MARGIN, y - 10, RIGHT - MARGIN, 30, 0.95);
  page.text(MARGIN + 10, y, invoiceHeadline(invoice), { font: "bold", size: 13 });
  y -= 44;
  if (invoice.description) {
    for (const line of wrap(invoice.description, RIGHT - MARGIN, 10)) {
      page.text(MARGIN, y, line, { size: 10 });
      y -= 14;
    }
    y -= 8;
  }
  return y;
}

/** Where drawing continues: the current page and height on it. */
interface Cursor {
  page: PdfPage;
  y: number;
}

/** The line items' table, continued on new pages as needed. */
function drawLines(doc: PdfDocument, at: Cursor, invoice: Stripe.Invoice, title: string): void {
  const money = (n: number) => formatMoney(n, invoice.currency);
  at.y = tableHeader(at.page, at.y);
  for (const line of invoice.lines.data) {
    const desc = wrap(line.description ?? "", COL_QTY - MARGIN - 50, 10);
    const period =
      line.period.start !== line.period.end
        ? `${date(line.period.start)} – ${date(line.period.end)}`
        : null;
    const height = desc.length * 13 + (period ? 12 : 0) + 10;
    if (at.y - height < BOTTOM) {
      at.page.text(RIGHT, 40, `Continued on page ${doc.pageCount + 1}`, {
        size: 8,
        gray: 0.45,
        align: "right",
      });
      at.page = doc.addPage(PAGE_W, PAGE_H);
      at.y = PAGE_H - MARGIN - 10;
      at.page.text(MARGIN, at.y, `${title} (continued)`, { font: "bold", size: 12 });
      at.y = tableHeader(at.page, at.y - 30);
    }
    const { page, y } = at;
    // Lines without a price (one-off items) show their amount per unit.
    const unit =
      line.pricing?.unit_amount_decimal ??
      (line.quantity ? String(line.amount / line.quantity) : null);
    desc.forEach((text, i) => page.text(MARGIN, y - i * 13, text, { size: 10 }));
    if (line.quantity !== null) {
      page.text(COL_QTY, y, String(line.quantity), { size: 10, align: "right" });
    }
    if (unit !== undefined && unit !== null) {
      page.text(COL_UNIT, y, money(Math.round(Number(unit))), { size: 10, align: "right" });
    }
    page.text(RIGHT, y, money(line.amount), { size: 10, align: "right" });
    let below = y - desc.length * 13;
    if (period) {
      page.text(MARGIN, below + 1, period, { size: 8, gray: 0.45 });
      below -= 12;
    }
    page.line(MARGIN, below + 4, RIGHT, below + 4, 0.5, 0.88);
    at.y = below - 10;
  }
}

/** Subtotal, discount, tax, total, balance, paid and due: `[label, amount, bold]`. */
function totalRows(invoice: Stripe.Invoice): [string, string, boolean][] {
  const money = (n: number) => formatMoney(n, invoice.currency);
  const discount = (invoice.total_discount_amounts ?? []).reduce((s, d) => s + d.amount, 0);
  const totals: [string, string, boolean][] = [
    ["Subtotal", money(invoice.subtotal), false],
    ...(discount > 0
      ? ([["Discount", `-${money(discount)}`, false]] as [string, string, boolean][])
      : []),
    ...invoiceTaxRows(invoice).map((r): [string, string, boolean] => [
      r.label,
      money(r.amount),
      false,
    ]),
    ["Total", money(invoice.total), true],
  ];
  const applied =
    (invoice.starting_balance ?? 0) - (invoice.ending_balance ?? invoice.starting_balance ?? 0);
  if (applied !== 0) totals.push(["Applied balance", money(-applied), false]);
  totals.push(["Amount paid", money(invoice.amount_paid), false]);
  totals.push([
    invoice.status === "paid" ? "Amount remaining" : "Amount due",
    money(invoice.amount_remaining),
    true,
  ]);
  return totals;
}

export function renderInvoicePdf(invoice: Stripe.Invoice): Buffer {
  const title = `Invoice ${invoice.number ?? invoice.id}`;
  const doc = new PdfDocument({ title, author: invoice.account_name ?? "Stripe emulator" });
  const first = doc.addPage(PAGE_W, PAGE_H);
  const at: Cursor = { page: first, y: drawHeader(first, invoice) };
  drawLines(doc, at, invoice, title);
  const totals = totalRows(invoice);
  if (at.y - totals.length * 18 < BOTTOM) {
    at.page = doc.addPage(PAGE_W, PAGE_H);
    at.y = PAGE_H - MARGIN - 10;
  }
  const { page } = at;
  let y = at.y - 6;
  for (const [label, value, bold] of totals) {
    page.text(COL_UNIT - 70, y, label, { size: 10, font: bold ? "bold" : "regular" });
    page.text(RIGHT, y, value, { size: 10, font: bold ? "bold" : "regular", align: "right" });
    y -= 18;
  }
  if (invoice.footer) {
    let fy = 60;
    for (const line of wrap(invoice.footer, RIGHT - MARGIN, 8).slice(0, 3)) {
      page.text(MARGIN, fy, line, { size: 8, gray: 0.45 });
      fy -= 10;
    }
  }
  if (invoice.hosted_invoice_url) {
    page.text(MARGIN, 40, `Pay online: ${invoice.hosted_invoice_url}`, { size: 8, gray: 0.45 });
  }
  return doc.toBuffer();
}
