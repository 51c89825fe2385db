import { SECTION_PERMISSIONS, type SectionPath } from "@/features/admin/section-permissions";

/** Thrown by the /admin guard for customer accounts; rendered as the access-denied page. */
export class AdminAccessDeniedError extends Error {
  constructor() {
    super("The admin console is for Folio staff only.");
    this.name = "AdminAccessDeniedError";
  }
}

/** Thrown by a section's guard when the staff member's role lacks the section's permission. */
export class SectionAccessDeniedError extends Error {
  readonly section: SectionPath;
  constructor(section: SectionPath) {
    super(`Your role does not include ${SECTION_PERMISSIONS[section]}.`);
    this.name = "SectionAccessDeniedError";
    this.section = section;
  }
}
