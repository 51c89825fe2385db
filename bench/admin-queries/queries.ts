import { appRouter, createCallerFactory } from "@folio/server";
import { customerId, stripeCustomerId, type rng } from "./seed.ts";

// What the bench times: every admin list page (filters, sorts, a later page), search and the
// customer page and timeline, each through the tRPC caller. `prepare` returns one call (which
// returns how many rows it got), or null when the procedure is not in this build.

export const createBenchCaller = createCallerFactory(appRouter);
export type BenchCaller = ReturnType<typeof createBenchCaller>;
type Rng = ReturnType<typeof rng>;
interface Ctx {
  r: Rng;
  customers: number;
}
interface BenchQuery {
  name: string;
  prepare(caller: BenchCaller, ctx: Ctx): Promise<(() => Promise<number>) | null>;
}

const LETTERS = [..."abcdefghijklmnopqrstuvwxyz"];
const FIRST = ["anna", "ben", "carla", "maria", "marc", "nora", "sam", "zoe"];

type ListPage = { items: unknown[]; nextCursor: string | null };

/** Cursors of pages 2…n of a list, to time pages other than the first. */
async function cursors(
  list: (cursor: string | undefined) => Promise<ListPage>,
  pages: number,
): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < pages; i++) {
    const page = await list(cursor);
    if (!page.nextCursor) break;
    out.push(page.nextCursor);
    cursor = page.nextCursor;
  }
  return out;
}

const count = (p: ListPage) => p.items.length;

function customersList(name: string, input: (ctx: Ctx) => Record<string, unknown>): BenchQuery {
  return {
    name: `customers.list ${name}`,
    prepare: (caller, ctx) =>
      Promise.resolve(() => caller.admin.customers.list(input(ctx) as never).then(count)),
  };
}

export const QUERIES: BenchQuery[] = [
  customersList("newest first", () => ({})),
  {
    name: "customers.list pages 2–50",
    async prepare(caller, { r }) {
      const cs = await cursors((cursor) => caller.admin.customers.list({ cursor }), 50);
      return () => caller.admin.customers.list({ cursor: r.pick(cs) }).then(count);
    },
  },
  customersList("by e-mail A→Z", () => ({ sort: { by: "email", direction: "asc" } })),
  customersList("by e-mail Z→A, past_due", () => ({
    sort: { by: "email", direction: "desc" },
    subscription: "past_due",
  })),
  customersList("subscription none", () => ({ subscription: "none" })),
  customersList("holds credit", () => ({ hasCredit: true })),
  customersList("search e-mail prefix", ({ r }) => ({
    search: `${r.pick(FIRST)}.${r.pick(LETTERS)}`,
  })),
  customersList("search name prefix", ({ r }) => ({
    search: `${r.pick(FIRST)} ${r.pick(LETTERS)}`,
  })),
  customersList("search one letter", ({ r }) => ({ search: r.pick(LETTERS) })),
  customersList("search cus_ id", ({ r, customers }) => ({
    search: stripeCustomerId(r.int(customers)),
  })),
  {
    name: "customers.byId",
    prepare: (caller, { r, customers }) =>
      Promise.resolve(() =>
        caller.admin.customers
          .byId({ customerId: customerId(r.int(customers)) })
          .then((c) => c.orders.length),
      ),
  },
  {
    name: "customers.timeline first page",
    prepare: (caller, { r, customers }) =>
      Promise.resolve(() =>
        caller.admin.customers.timeline({ customerId: customerId(r.int(customers)) }).then(count),
      ),
  },
  {
    name: "customers.timeline page 2 (limit 10)",
    async prepare(caller, { r, customers }) {
      const pages: { customerId: string; cursor: string }[] = [];
      for (let i = 0; i < 50; i++) {
        const id = customerId(r.int(customers));
        const first = await caller.admin.customers.timeline({ customerId: id, limit: 10 });
        if (first.nextCursor) pages.push({ customerId: id, cursor: first.nextCursor });
      }
      return () => {
        const p = r.pick(pages);
        return caller.admin.customers.timeline({ ...p, limit: 10 }).then(count);
      };
    },
  },
  ...otherLists(),
];

function list(
  name: string,
  call: (caller: BenchCaller, ctx: Ctx) => Promise<ListPage>,
): BenchQuery {
  return { name, prepare: (caller, ctx) => Promise.resolve(() => call(caller, ctx).then(count)) };
}

function pages(
  name: string,
  call: (caller: BenchCaller, cursor?: string) => Promise<ListPage>,
): BenchQuery {
  return {
    name,
    async prepare(caller, { r }) {
      const cs = await cursors((cursor) => call(caller, cursor), 50);
      return () => call(caller, r.pick(cs)).then(count);
    },
  };
}

/** The other admin lists (orders, the shipping queue, refunds, the audit log). */
function otherLists(): BenchQuery[] {
  return [
    list("orders.list newest first", (c) => c.admin.orders.list({})),
    pages("orders.list pages 2–50", (c, cursor) => c.admin.orders.list({ cursor })),
    list("orders.list refunded", (c) => c.admin.orders.list({ paymentState: "refunded" })),
    list("orders.list awaiting shipment", (c) =>
      c.admin.orders.list({ fulfilmentState: "pending" }),
    ),
    list("orders.list by amount, high first", (c) =>
      c.admin.orders.list({ sort: { by: "amountTotal", direction: "desc" } }),
    ),
    list("orders.list placed in a month", (c) =>
      c.admin.orders.list({ placedFrom: "2025-03-01", placedTo: "2025-03-31" }),
    ),
    list("orders.list one product", (c) => c.admin.orders.list({ productId: "prod_bench3" })),
    list("orders.list search e-mail prefix", (c, { r }) =>
      c.admin.orders.list({ search: `${r.pick(FIRST)}.${r.pick(LETTERS)}` }),
    ),
    list("orders.list search cus_ id", (c, { r, customers }) =>
      c.admin.orders.list({ search: stripeCustomerId(r.int(customers)) }),
    ),
    list("fulfilment.list open, oldest first", (c) => c.admin.fulfilment.list({})),
    pages("fulfilment.list pages 2–50", (c, cursor) => c.admin.fulfilment.list({ cursor })),
    list("fulfilment.list shipped, newest first", (c) =>
      c.admin.fulfilment.list({ state: "shipped", direction: "desc" }),
    ),
    list("fulfilment.list search ship-to name", (c, { r }) =>
      c.admin.fulfilment.list({ state: "all", search: `${r.pick(FIRST)} ${r.pick(LETTERS)}` }),
    ),
    list("refunds.list newest first", (c) => c.admin.refunds.list({})),
    pages("refunds.list pages 2–50", (c, cursor) => c.admin.refunds.list({ cursor })),
    list("refunds.list succeeded", (c) => c.admin.refunds.list({ status: "succeeded" })),
    list("refunds.list one customer", (c, { r, customers }) =>
      c.admin.refunds.list({ stripeCustomerId: stripeCustomerId(r.int(customers)) }),
    ),
    list("audit.list newest first", (c) => c.admin.audit.list({})),
    pages("audit.list pages 2–50", (c, cursor) => c.admin.audit.list({ cursor })),
    list("audit.list action credit.*", (c) => c.admin.audit.list({ action: "credit.*" })),
    list("audit.list one order", (c, { r }) =>
      c.admin.audit.list({
        target: `order:ord_bench${String(r.int(100_000) * 10 + 10).padStart(8, "0")}`,
      }),
    ),
  ];
}
