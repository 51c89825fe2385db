import type { AdminSection } from "@/features/admin/sections";

/** Thrown by the /admin guard for customer accounts; rendered as the access-denied page. */
export class AdminAccessDeniedError extends Error {
  constructor() {
    super("The admin console is for Folio staff only.");
    this.name = "AdminAccessDeniedError";
  }
}

/** Thrown by a section's guard when the staff member's role lacks the section's permission. */
export class SectionAccessDeniedError extends Error {
  readonly section: AdminSection;
  constructor(section: AdminSection) {
    super(`Your role does not include ${section.permission}.`);
    this.name = "SectionAccessDeniedError";
    this.section = section;
  }
}
