import { escapeHtml } from "../core/http.ts";
import { formatMoney } from "../resources/shared.ts";

/**
 * Tiny HTML toolkit for the hosted pages: a tagged template that escapes every
 * interpolated value unless it is already `Html`, a shared layout with inline CSS (no
 * external assets, no JavaScript), and a few form helpers that always pair inputs with
 * `<label for>` so Playwright's `getByLabel` finds them.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return "";
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return (part as readonly Part[]).map(render).join("");
  return escapeHtml(String(part));
}

export function markup(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

export const raw = (s: string): Html => new Html(s);

export const money = (amount: number, currency: string): string => formatMoney(amount, currency);

export function formatDate(unix: number): string {
  return new Intl.DateTimeFormat("en-US", {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  }).format(new Date(unix * 1000));
}

const CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1f36;background:#f6f8fa}
main{max-width:980px;margin:0 auto;padding:32px 20px 64px}
header.top{display:flex;align-items:center;gap:10px;margin-bottom:24px;color:#5a6275;font-size:14px}
header.top .badge{background:#ffde92;color:#7a4b00;border-radius:4px;padding:1px 6px;font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:0 0 12px}
.muted{color:#5a6275}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:32px;align-items:start}
@media (max-width:760px){.grid{grid-template-columns:1fr}}
.card{background:#fff;border:1px solid #e3e8ee;border-radius:10px;padding:24px;box-shadow:0 1px 2px rgba(0,0,0,.04)}
.card + .card{margin-top:20px}
.grid > .card{margin-top:0}
@media (max-width:480px){main{padding:20px 12px 48px}.card{padding:16px}th + th,td + td{padding-left:8px}}
.wrap-anywhere{overflow-wrap:anywhere}
.qty-form{margin-top:8px}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.qty-form label{font-size:13px;font-weight:500;color:#5a6275}
.qty-form input{width:90px}
.inline-form.qty-form .field{flex:0 0 auto}
.subline{margin:-12px 0 16px;color:#5a6275}
.big{font-size:34px;font-weight:700;letter-spacing:-.02em;margin:4px 0 20px}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:8px 0;vertical-align:top}
th + th,td + td{padding-left:12px}
th{font-size:13px;color:#5a6275;font-weight:600;border-bottom:1px solid #e3e8ee}
td{border-bottom:1px solid #f0f2f5}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.total td{font-weight:700;border-bottom:none;padding-top:12px}
tr.sub td{color:#5a6275}
.item-name{font-weight:600}
.item-meta{font-size:13px;color:#5a6275}
form .field{margin-bottom:14px}
label{display:block;font-size:14px;font-weight:600;margin-bottom:4px}
input,select{width:100%;font:inherit;padding:9px 11px;border:1px solid #c9d0d9;border-radius:6px;background:#fff;color:inherit}
input:focus,select:focus{outline:2px solid #635bff;outline-offset:1px;border-color:#635bff}
input[readonly]{background:#f3f5f8;color:#5a6275}
.row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.row3{display:grid;grid-template-columns:1.5fr 1fr 1fr;gap:12px}
fieldset{border:none;padding:0;margin:0 0 8px}
legend{font-size:15px;font-weight:700;margin-bottom:10px;padding:0}
button,.button{display:inline-block;width:100%;font:inherit;font-weight:600;padding:11px 16px;border-radius:6px;border:1px solid #635bff;background:#635bff;color:#fff;cursor:pointer;text-align:center;text-decoration:none}
button:hover,.button:hover{background:#5148e6}
button.secondary,.button.secondary{background:#fff;color:#1a1f36;border-color:#c9d0d9}
button.secondary:hover,.button.secondary:hover{background:#f3f5f8}
button.danger{background:#fff;color:#c0123c;border-color:#f0b6c3}
button.danger:hover{background:#fff5f7}
button.inline{width:auto;padding:7px 14px;font-size:14px}
.inline-form{display:flex;gap:8px;align-items:flex-end}
.inline-form .field{flex:1;margin-bottom:0}
.alert{border-radius:6px;padding:10px 12px;margin-bottom:16px;font-size:15px}
.alert.error{background:#fff5f7;border:1px solid #f0b6c3;color:#a3002f}
.alert.success{background:#effaf3;border:1px solid #a8e0be;color:#0d6b34}
.alert.info{background:#f1f4ff;border:1px solid #c4ccff;color:#2e2a8f}
.hint{font-size:13px;color:#5a6275;margin:6px 0 0}
.actions{display:flex;flex-direction:column;gap:10px;margin-top:18px}
.cancel{display:block;text-align:center;margin-top:14px;color:#5a6275}
a{color:#4f46e5}
.status{display:inline-block;border-radius:999px;padding:1px 10px;font-size:13px;font-weight:600;background:#eef0f4;color:#3c4257;text-transform:capitalize}
.status.paid,.status.active,.status.succeeded,.status.trialing{background:#d7f7e3;color:#0d6b34}
.status.open,.status.past_due,.status.incomplete{background:#fff1d6;color:#7a4b00}
.status.void,.status.uncollectible,.status.canceled{background:#fde2e7;color:#a3002f}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0 0 16px;font-size:15px}
dl.meta dt{color:#5a6275}
dl.meta dd{margin:0}
.center{max-width:520px;margin:40px auto;text-align:center}
.testcards{font-size:13px;color:#5a6275;margin-top:16px;line-height:1.6}
.testcards code{background:#f3f5f8;padding:1px 4px;border-radius:3px}
.list{list-style:none;margin:0;padding:0}
.list li{display:flex;justify-content:space-between;gap:12px;align-items:center;padding:10px 0;border-bottom:1px solid #f0f2f5}
.list li:last-child{border-bottom:none}
`;

export function layout(title: string, body: Html, options: { merchant?: string } = {}): string {
  return markup`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          ${raw(CSS)}
        </style>
      </head>
      <body>
        <main>
          <header class="top">
            <strong>${options.merchant ?? "Stripe emulator"}</strong
            ><span class="badge">Test mode</span>
          </header>
          ${body}
        </main>
      </body>
    </html>`.value;
}

export function alert(
  kind: "error" | "success" | "info",
  message: string | null | undefined,
): Html {
  if (!message) return markup``;
  const role = kind === "error" ? "alert" : "status";
  const id = kind === "error" ? markup` id="form-error"` : "";
  return markup`<div class="alert ${kind}" role="${role}"${id}>${message}</div>`;
}

export interface InputOptions {
  name: string;
  label: string | Html;
  value?: string | null | undefined;
  type?: string;
  autocomplete?: string;
  placeholder?: string;
  required?: boolean;
  readonly?: boolean;
  inputmode?: string;
  id?: string;
  /** Marks the field as the one the page's error message is about. */
  invalid?: boolean;
}

export function input(o: InputOptions): Html {
  const id = o.id ?? `f-${o.name.replace(/[^a-zA-Z0-9_-]/g, "-")}`;
  const attrs = [
    o.value ? markup` value="${o.value}"` : "",
    o.autocomplete ? markup` autocomplete="${o.autocomplete}"` : "",
    o.placeholder ? markup` placeholder="${o.placeholder}"` : "",
    o.inputmode ? markup` inputmode="${o.inputmode}"` : "",
    o.required ? raw(" required") : "",
    o.readonly ? raw(" readonly") : "",
    o.invalid ? raw(' aria-invalid="true" aria-describedby="form-error"') : "",
  ];
  return markup`<div class="field"><label for="${id}">${o.label}</label><input id="${id}" name="${o.name}" type="${o.type ?? "text"}"${attrs}></div>`;
}

export function select(o: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  value?: string | null | undefined;
  autocomplete?: string;
  invalid?: boolean;
}): Html {
  const id = `f-${o.name.replace(/[^a-zA-Z0-9_-]/g, "-")}`;
  const options = o.options.map(
    (opt) =>
      markup`<option value="${opt.value}"${opt.value === o.value ? raw(" selected") : ""}>${opt.label}</option>`,
  );
  const auto = [
    o.autocomplete ? markup` autocomplete="${o.autocomplete}"` : "",
    o.invalid ? raw(' aria-invalid="true" aria-describedby="form-error"') : "",
  ];
  return markup`<div class="field"><label for="${id}">${o.label}</label><select id="${id}" name="${o.name}"${auto} required>${options}</select></div>`;
}

/** Card number / expiry / CVC / name, with a hint listing the useful test cards. */
export function cardFields(
  values: Record<string, string | undefined>,
  invalidField: string | null = null,
): Html {
  const prefix = "";
  return markup`<fieldset>
    <legend>Card information</legend>
    ${input({ invalid: invalidField === "card_number", name: `${prefix}card_number`, label: "Card number", value: values[`${prefix}card_number`], autocomplete: "cc-number", inputmode: "numeric", placeholder: "4242 4242 4242 4242", required: true })}
    <div class="row">
      ${input({ invalid: invalidField === "card_expiry", name: `${prefix}card_expiry`, label: "Expiration (MM / YY)", value: values[`${prefix}card_expiry`], autocomplete: "cc-exp", placeholder: "12 / 34", required: true })}
      ${input({ invalid: invalidField === "card_cvc", name: `${prefix}card_cvc`, label: "CVC", value: values[`${prefix}card_cvc`], autocomplete: "cc-csc", inputmode: "numeric", placeholder: "123", required: true })}
    </div>
    ${input({ invalid: invalidField === "cardholder_name", name: `${prefix}cardholder_name`, label: "Cardholder name", value: values[`${prefix}cardholder_name`], autocomplete: "cc-name", placeholder: "Full name on card" })}
  </fieldset>`;
}

export function testCardHint(): Html {
  return markup`<p class="testcards">
    Test cards: <code>4242 4242 4242 4242</code> succeeds, <code>4000 0000 0000 0002</code> is
    declined, <code>4000 0000 0000 9995</code> has insufficient funds,
    <code>4000 0025 0000 3155</code> asks for authentication. Any future expiry and any CVC.
  </p>`;
}

/** Country names for the shipping select (Stripe uses ISO 3166-1 alpha-2 codes). */
export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * The 3-D Secure 2 test challenge: in test mode the customer picks the outcome. Both
 * buttons post back to the page's own URL with `action=complete|fail`.
 */
export function challengePage(
  ctx: { now(): number },
  o: {
    amount: { amount: number; currency: string } | null;
    what: "payment" | "setup";
    returnsTo: string;
    merchant?: string;
  },
): string {
  const amount = o.amount
    ? markup`<dt>Amount</dt><dd data-testid="auth-amount">${money(o.amount.amount, o.amount.currency)}</dd>`
    : "";
  return layout(
    "Authenticate your payment",
    markup`<section class="card center" style="text-align:left" aria-labelledby="auth-title">
<h1 id="auth-title">Authenticate your ${o.what === "setup" ? "card" : "payment"}</h1>
<p class="muted">3-D Secure 2 test page. Your bank asks you to confirm this ${o.what === "setup" ? "card" : "payment"}.</p>
<dl class="meta">${amount}<dt>Merchant</dt><dd>${o.merchant ?? "Stripe emulator"}</dd><dt>Date</dt><dd>${formatDate(ctx.now())}</dd></dl>
<p>In test mode you choose the result. Completing authenticates the card and continues the ${o.what}; failing returns to the ${o.returnsTo} with an error.</p>
<form method="post" class="actions">
<button type="submit" name="action" value="complete">Complete authentication</button>
<button type="submit" name="action" value="fail" class="danger">Fail authentication</button>
</form>
</section>`,
  );
}
