import type { EmulatorModule } from "../core/types.ts";
import { authenticatePages } from "./authenticate.ts";
import { dashboardPages } from "./dashboard.ts";
import { receiptPages } from "./receipt.ts";
import { checkoutPagesModule } from "../checkout/pages.ts";
import { invoicePagesModule } from "./invoice.ts";
import { portalPagesModule } from "./portal.ts";

/** Hosted-page modules (checkout, invoice, portal…). Append new ones here. */
export const pageModules: EmulatorModule[] = [
  authenticatePages,
  dashboardPages,
  receiptPages,
  checkoutPagesModule,
  invoicePagesModule,
  portalPagesModule,
];
