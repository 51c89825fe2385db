import { Link } from "@tanstack/react-router";
import { LockIcon } from "lucide-react";
import { DocumentTitle } from "@/components/document-title";
import { EmptyState } from "@/components/empty-state";
import { Button } from "@/components/ui/button";
import type { SectionPath } from "@/features/admin/section-permissions";
import { sectionByPath } from "@/features/admin/sections";

/** In-frame refusal for a staff member whose role does not include a section's permission. */
export function SectionDenied({ to }: { to: SectionPath }) {
  const section = sectionByPath(to);
  return (
    <>
      <DocumentTitle title={section.label} />
      <EmptyState
        icon={LockIcon}
        title={`Your role can't open ${section.label}`}
        description={`${section.label} needs the ${section.permission} permission. Ask an administrator if you need it.`}
        action={
          <Button asChild variant="outline">
            <Link to="/admin">Back to the console</Link>
          </Button>
        }
      />
    </>
  );
}
