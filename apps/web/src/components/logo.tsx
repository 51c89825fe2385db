import { cn } from "@/lib/utils";

export function Logo({ className, label }: { className?: string; label?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-2 font-semibold tracking-tight", className)}>
      <svg viewBox="0 0 32 32" aria-hidden="true" className="size-7 shrink-0">
        <rect width="32" height="32" rx="8" className="fill-primary" />
        <path d="M11 8h11v3.5h-7.2v3.3h6.4v3.4h-6.4V24H11z" className="fill-primary-foreground" />
      </svg>
      <span className="text-base">Folio</span>
      {label && (
        <span className="rounded-md bg-muted px-1.5 py-0.5 text-xs font-medium text-muted-foreground">
          {label}
        </span>
      )}
    </span>
  );
}
