import { ChevronDownIcon } from "lucide-react";
import type * as React from "react";
import { DeferredPopup } from "@/components/deferred-popup";
import { selectTriggerClassName } from "@/components/ui/select-trigger-style";
import { cn } from "@/lib/utils";

export interface Choice {
  value: string;
  label: string;
}

const loadChoiceList = () =>
  import("@/components/choice-select-list").then((module) => module.ChoiceSelectList);

/**
 * A select over a short list of labelled choices (a list's filters, its page size) whose Radix
 * code and options load when it is first wanted. A page with a few of these used to download
 * Radix Select and its popper with the page (about 21 KB brotli) and draw every option twice,
 * into a detached fragment, so that the closed trigger could show the chosen one's text; this
 * trigger shows the chosen label itself.
 */
export function ChoiceSelect({
  value,
  choices,
  onValueChange,
  size = "default",
  className,
  ...button
}: {
  value: string;
  choices: readonly Choice[];
  onValueChange: (value: string) => void;
  size?: "sm" | "default";
} & Omit<React.ComponentProps<"button">, "value" | "children" | "onChange">) {
  const label = choices.find((choice) => choice.value === value)?.label;
  return (
    <DeferredPopup
      popup="listbox"
      load={loadChoiceList}
      props={{ value, choices, onValueChange }}
      renderTrigger={(props) => (
        <button
          role="combobox"
          aria-autocomplete="none"
          data-slot="select-trigger"
          data-size={size}
          className={cn(selectTriggerClassName, className)}
          {...button}
          {...props}
        >
          <span data-slot="select-value">{label}</span>
          <ChevronDownIcon className="size-4 opacity-50" aria-hidden="true" />
        </button>
      )}
    />
  );
}
