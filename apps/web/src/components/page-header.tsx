import type * as React from "react";
import { DocumentTitle } from "@/components/document-title";
import { cn } from "@/lib/utils";

export function PageHeader({
  title,
  documentTitle,
  description,
  actions,
  className,
}: {
  title: React.ReactNode;
  /** Tab title when `title` is not plain text or should differ. */
  documentTitle?: string;
  description?: React.ReactNode;
  actions?: React.ReactNode;
  className?: string;
}) {
  return (
    <div
      className={cn("flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between", className)}
    >
      <DocumentTitle title={documentTitle ?? (typeof title === "string" ? title : undefined)} />
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description && <p className="text-sm text-muted-foreground">{description}</p>}
      </div>
      {actions && <div className="flex items-center gap-2">{actions}</div>}
    </div>
  );
}
