import { SearchIcon, XIcon } from "lucide-react";
import type * as React from "react";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { ChoiceSelect } from "@/components/choice-select";

// Building blocks for a list's own `data-table-toolbar.tsx`. Each filter shows the URL's value and
// reports a change; the list turns that into a navigation (which also returns to page 1).

/** The bar above the table: the list's filters, and Reset while any is set. */
export function DataTableToolbar({
  children,
  filtered,
  onReset,
}: {
  children: React.ReactNode;
  filtered: boolean;
  onReset: () => void;
}) {
  return (
    <div className="flex flex-col gap-3 border-b p-4 sm:flex-row sm:flex-wrap sm:items-start">
      {children}
      {filtered && (
        <Button variant="ghost" onClick={onReset} aria-label="Reset filters" className="self-start">
          <XIcon aria-hidden="true" />
          Reset
        </Button>
      )}
    </div>
  );
}

/**
 * Free text (a search, an event type): applied on Enter or when focus leaves, after `validate`
 * (which returns a message for a value the server would refuse).
 */
export function DataTableTextFilter(props: {
  label: string;
  value: string | undefined;
  placeholder: string;
  maxLength?: number;
  validate?: (value: string) => string | null;
  onApply: (value: string | undefined) => void;
}) {
  // Remounted when the URL's value changes (Reset, back button), so the draft starts from it.
  return <TextFilter key={props.value ?? ""} {...props} />;
}

function TextFilter({
  label,
  value,
  placeholder,
  maxLength,
  validate,
  onApply,
}: React.ComponentProps<typeof DataTableTextFilter>) {
  const [draft, setDraft] = useState(value ?? "");
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const apply = () => {
    const next = draft.trim();
    const problem = next === "" ? null : (validate?.(next) ?? null);
    setError(problem);
    if (problem === null && next !== (value ?? "")) onApply(next || undefined);
  };

  return (
    <form
      role="search"
      className="flex flex-1 flex-col gap-1.5 sm:min-w-56"
      onSubmit={(event) => {
        event.preventDefault();
        apply();
      }}
    >
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <div className="relative w-full sm:max-w-sm">
        <SearchIcon
          className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground"
          aria-hidden="true"
        />
        <Input
          id={id}
          type="search"
          value={draft}
          maxLength={maxLength}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={apply}
          placeholder={placeholder}
          className="pl-8"
          aria-invalid={error !== null}
          aria-describedby={error ? `${id}-error` : undefined}
        />
      </div>
      {error && (
        <p id={`${id}-error`} role="alert" className="text-sm text-destructive">
          {error}
        </p>
      )}
    </form>
  );
}

/** One value out of a few (a status, a role), or all of them. */
export function DataTableSelectFilter<T extends string | boolean>({
  label,
  value,
  options,
  allLabel,
  onChange,
}: {
  /** Accessible name of the control, e.g. "Status". */
  label: string;
  value: T | undefined;
  options: readonly { value: T; label: string }[];
  allLabel: string;
  onChange: (value: T | undefined) => void;
}) {
  return (
    <ChoiceSelect<T | undefined>
      value={value}
      choices={[{ value: undefined, label: allLabel }, ...options]}
      onValueChange={onChange}
      className="w-full sm:w-44"
      aria-label={label}
    />
  );
}

/** A UTC day (`YYYY-MM-DD`) from the browser's date picker; cleared when emptied. */
export function DataTableDayFilter(props: {
  label: string;
  value: string | undefined;
  min?: string | undefined;
  max?: string | undefined;
  onChange: (day: string | undefined) => void;
}) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id} className="text-xs text-muted-foreground">
        {props.label}
      </Label>
      <Input
        id={id}
        type="date"
        className="w-full sm:w-40"
        value={props.value ?? ""}
        min={props.min}
        max={props.max}
        onChange={(event) => props.onChange(event.target.value || undefined)}
      />
    </div>
  );
}
