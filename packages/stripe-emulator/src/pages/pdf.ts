/**
 * A minimal PDF 1.4 writer: pages of Helvetica / Helvetica-Bold text, lines and filled
 * rectangles. The two standard fonts need no embedding, and text is WinAnsi-encoded, so
 * the whole file is Latin-1 and byte offsets in the xref table are string lengths.
 */

export type FontName = "regular" | "bold";

export interface TextOptions {
  font?: FontName;
  size?: number;
  align?: "left" | "right" | "center";
  /** Gray level 0 (black) … 1 (white). */
  gray?: number;
}

// Advance widths (1/1000 em) of ASCII 32…126 from Adobe's Helvetica AFM files.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
  556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
  611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
  667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
  222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const HELVETICA_BOLD = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
  556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
  611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
  667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
  278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/** WinAnsi bytes for characters outside Latin-1 that invoices commonly contain. */
const WIN_ANSI_EXTRA: Record<string, number> = {
  "€": 0x80,
  "‚": 0x82,
  "„": 0x84,
  "…": 0x85,
  "‘": 0x91,
  "’": 0x92,
  "“": 0x93,
  "”": 0x94,
  "•": 0x95,
  "–": 0x96,
  "—": 0x97,
  "™": 0x99,
};

/** Text as WinAnsi byte values; anything unrepresentable becomes `?`. */
function toWinAnsi(text: string): number[] {
  const out: number[] = [];
  for (const ch of text.normalize("NFC")) {
    const code = ch.codePointAt(0) ?? 63;
    if (ch === "\u00a0" || ch === "\u202f") out.push(32);
    else if ((code >= 32 && code < 127) || (code >= 160 && code <= 255)) out.push(code);
    else out.push(WIN_ANSI_EXTRA[ch] ?? 63);
  }
  return out;
}

export function textWidth(text: string, font: FontName, size: number): number {
  const table = font === "bold" ? HELVETICA_BOLD : HELVETICA;
  let units = 0;
  for (const b of toWinAnsi(text)) units += (b >= 32 && b <= 126 ? table[b - 32] : 556) ?? 556;
  return (units * size) / 1000;
}

function pdfString(text: string): string {
  let s = "(";
  for (const b of toWinAnsi(text)) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b > 126) s += `\\${b.toString(8).padStart(3, "0")}`;
    else s += String.fromCharCode(b);
  }
  return `${s})`;
}

const n = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(2));

export class PdfPage {
  readonly width: number;
  readonly height: number;
  private readonly ops: string[] = [];

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
  }

  /** Draws text with its baseline at `y` (PDF coordinates: origin bottom-left). */
  text(x: number, y: number, value: string, o: TextOptions = {}): this {
    const font = o.font ?? "regular";
    const size = o.size ?? 10;
    const w = textWidth(value, font, size);
    const left = o.align === "right" ? x - w : o.align === "center" ? x - w / 2 : x;
    this.ops.push(
      `BT /${font === "bold" ? "F2" : "F1"} ${n(size)} Tf ${n(o.gray ?? 0)} g ${n(left)} ${n(y)} Td ${pdfString(value)} Tj ET`,
    );
    return this;
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.5, gray = 0.8): this {
    this.ops.push(`${n(gray)} G ${n(width)} w ${n(x1)} ${n(y1)} m ${n(x2)} ${n(y2)} l S`);
    return this;
  }

  rect(x: number, y: number, w: number, h: number, gray: number): this {
    this.ops.push(`${n(gray)} g ${n(x)} ${n(y)} ${n(w)} ${n(h)} re f`);
    return this;
  }

  content(): string {
    return this.ops.join("\n");
  }
}

export class PdfDocument {
  private readonly pages: PdfPage[] = [];
  private readonly info: Record<string, string>;

  constructor(info: { title?: string; author?: string } = {}) {
    this.info = {
      Producer: "@folio/stripe-emulator",
      ...(info.title ? { Title: info.title } : {}),
      ...(info.author ? { Author: info.author } : {}),
    };
  }

  /** Adds a page (US Letter by default) and returns it for drawing. */
  addPage(width = 612, height = 792): PdfPage {
    const page = new PdfPage(width, height);
    this.pages.push(page);
    return page;
  }

  get pageCount(): number {
    return this.pages.length;
  }

  toBuffer(): Buffer {
    if (this.pages.length === 0) this.addPage();
    // Object numbers: 1 catalog, 2 pages, 3 and 4 fonts, 5 info, then a page and its
    // content stream for each page.
    const objects: string[] = [];
    const pageIds = this.pages.map((_, i) => 6 + i * 2);
    objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
    objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${this.pages.length} >>`;
    objects[3] =
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
    objects[4] =
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>";
    objects[5] = `<< ${Object.entries(this.info)
      .map(([k, v]) => `/${k} ${pdfString(v)}`)
      .join(" ")} >>`;
    this.pages.forEach((page, i) => {
      const pageId = pageIds[i] ?? 0;
      const stream = page.content();
      objects[pageId] =
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${n(page.width)} ${n(page.height)}] ` +
        `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageId + 1} 0 R >>`;
      objects[pageId + 1] =
        `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`;
    });

    // The binary comment marks the file as 8-bit for transfer tools.
    let out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
    const offsets: number[] = [];
    for (let id = 1; id < objects.length; id++) {
      offsets[id] = Buffer.byteLength(out, "latin1");
      out += `${id} 0 obj\n${objects[id] ?? "null"}\nendobj\n`;
    }
    const xrefAt = Buffer.byteLength(out, "latin1");
    out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
    for (let id = 1; id < objects.length; id++) {
      out += `${String(offsets[id] ?? 0).padStart(10, "0")} 00000 n \n`;
    }
    out += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    return Buffer.from(out, "latin1");
  }
}
