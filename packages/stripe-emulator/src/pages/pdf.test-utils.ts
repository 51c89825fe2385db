/**
 * A strict reader for the PDFs the emulator writes, used by tests: it checks the structure
 * a viewer relies on (header, every xref offset pointing at its object, trailer, stream
 * lengths, page tree) and extracts the text shown with `Tj`.
 */
export interface ParsedPdf {
  version: string;
  objects: Map<number, string>;
  pages: number;
  text: string;
}

function fail(message: string): never {
  throw new Error(`invalid PDF: ${message}`);
}

function unescapeString(body: string): string {
  return body.replace(/\\([0-7]{3}|[\\()nrtbf])/g, (_, code: string) => {
    if (/^[0-7]{3}$/.test(code)) return String.fromCharCode(parseInt(code, 8));
    const map: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" };
    return map[code] ?? code;
  });
}

export function parsePdf(bytes: Buffer): ParsedPdf {
  const s = bytes.toString("latin1");
  const header = /^%PDF-(\d\.\d)\n/.exec(s);
  if (!header?.[1]) fail("missing %PDF header");
  const tail = /startxref\n(\d+)\n%%EOF\n?$/.exec(s);
  if (!tail?.[1]) fail("missing startxref/%%EOF");
  const xrefAt = Number(tail[1]);
  if (!s.startsWith("xref\n", xrefAt)) fail(`startxref ${xrefAt} does not point at xref`);
  const sub = /^xref\n0 (\d+)\n/.exec(s.slice(xrefAt));
  if (!sub?.[1]) fail("bad xref subsection");
  const count = Number(sub[1]);
  let at = xrefAt + sub[0].length;
  const objects = new Map<number, string>();
  for (let i = 0; i < count; i++) {
    const entry = s.slice(at, at + 20);
    const m = /^(\d{10}) (\d{5}) ([nf])[ \r]\n$/.exec(entry);
    if (!m) fail(`xref entry ${i} is not 20 bytes: ${JSON.stringify(entry)}`);
    at += 20;
    if (m[3] === "f") continue;
    const offset = Number(m[1]);
    const open = `${i} 0 obj\n`;
    if (!s.startsWith(open, offset)) fail(`object ${i} is not at offset ${offset}`);
    const end = s.indexOf("\nendobj\n", offset);
    if (end < 0) fail(`object ${i} has no endobj`);
    objects.set(i, s.slice(offset + open.length, end));
  }
  const trailer = /^trailer\n<<(.*?)>>\n/s.exec(s.slice(at));
  if (!trailer?.[1]) fail("missing trailer after xref");
  const size = /\/Size (\d+)/.exec(trailer[1]);
  if (Number(size?.[1]) !== count) fail("trailer /Size does not match xref");
  const root = /\/Root (\d+) 0 R/.exec(trailer[1]);
  const catalog = objects.get(Number(root?.[1]));
  if (!catalog?.includes("/Type /Catalog")) fail("root is not a catalog");
  const pagesRef = /\/Pages (\d+) 0 R/.exec(catalog);
  const pageTree = objects.get(Number(pagesRef?.[1])) ?? fail("missing page tree");
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(pageTree)?.[1] ?? "").matchAll(/(\d+) 0 R/g)].map(
    (k) => Number(k[1]),
  );
  const pageCount = Number(/\/Count (\d+)/.exec(pageTree)?.[1]);
  if (kids.length !== pageCount) fail("/Count does not match /Kids");

  const texts: string[] = [];
  for (const kid of kids) {
    const page = objects.get(kid) ?? fail(`missing page ${kid}`);
    if (!page.includes("/Type /Page")) fail(`object ${kid} is not a page`);
    const contentRef = Number(/\/Contents (\d+) 0 R/.exec(page)?.[1]);
    const content = objects.get(contentRef) ?? fail(`missing content stream of page ${kid}`);
    const stream = /^<< \/Length (\d+) >>\nstream\n/.exec(content);
    if (!stream?.[1]) fail(`content ${contentRef} is not a stream`);
    const length = Number(stream[1]);
    const data = content.slice(stream[0].length);
    if (!data.startsWith("\n", length) || data.slice(length + 1) !== "endstream") {
      fail(`stream ${contentRef} /Length ${length} is wrong`);
    }
    for (const m of data.slice(0, length).matchAll(/\(((?:\\.|[^\\)])*)\) Tj/g)) {
      texts.push(unescapeString(m[1] ?? ""));
    }
  }
  return { version: header[1], objects, pages: pageCount, text: texts.join("\n") };
}
