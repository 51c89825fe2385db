import { FilterXIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { Button } from "@/components/ui/button";

/** A list's empty state when filters are set: says so and offers to clear them. */
export function DataTableNoMatches({
  title,
  description,
  onReset,
}: {
  title: string;
  description: string;
  onReset: () => void;
}) {
  return (
    <EmptyState
      icon={FilterXIcon}
      title={title}
      description={description}
      className="m-4 border-0"
      action={
        <Button variant="outline" onClick={onReset}>
          Reset filters
        </Button>
      }
    />
  );
}
