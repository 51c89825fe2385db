import type { EmulatorModule } from "../core/types.ts";
import { authenticatePages } from "./authenticate.ts";
import { checkoutPagesModule } from "./checkout.ts";

/** Hosted-page modules (checkout, invoice, portal…). Append new ones here. */
export const pageModules: EmulatorModule[] = [authenticatePages, checkoutPagesModule];
