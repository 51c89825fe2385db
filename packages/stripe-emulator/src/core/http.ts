import type { IncomingMessage, ServerResponse } from "node:http";
import qs from "qs";
import { ApiError } from "./errors.ts";

/** Reading requests and writing responses, shared by the API, control and page handlers. */

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const QS_OPTIONS = { depth: 20, arrayLimit: 1000, parameterLimit: 10_000 } as const;

export function parseForm(text: string): Record<string, unknown> {
  return qs.parse(text, QS_OPTIONS);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES)
      throw new ApiError(413, "invalid_request_error", "Request body too large.");
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Accepts `Bearer sk_test_…` and Basic (`sk_test_…:`), like Stripe. */
export function apiKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, value = ""] = header.split(" ", 2);
  if (scheme?.toLowerCase() === "bearer") return value.trim();
  if (scheme?.toLowerCase() === "basic") {
    return Buffer.from(value, "base64").toString("utf8").split(":")[0];
  }
  return undefined;
}

/** `expand[]` as sent (one, a list, or an indexed object) → property paths. */
export function normalizeExpand(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (typeof raw === "string") return [raw];
  if (Array.isArray(raw)) return raw.filter((x): x is string => typeof x === "string");
  if (raw && typeof raw === "object") {
    return Object.values(raw as Record<string, unknown>).filter(
      (x): x is string => typeof x === "string",
    );
  }
  return [];
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function errorPage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:system-ui;max-width:40rem;margin:4rem auto"><h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p></body></html>`;
}
