import type { EmulatorModule } from "../core/types.ts";

/** Hosted-page modules (checkout, invoice, portal…). Append new ones here. */
export const pageModules: EmulatorModule[] = [];
