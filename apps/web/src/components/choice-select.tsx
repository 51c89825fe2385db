import { ChevronDownIcon } from "lucide-react";
import type * as React from "react";
import { DeferredPopup } from "@/components/deferred-popup";
import { selectTriggerClassName } from "@/components/ui/select-trigger-style";
import { cn } from "@/lib/utils";

interface Choice<T> {
  value: T;
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
export function ChoiceSelect<T>({
  value,
  choices,
  onValueChange,
  size = "default",
  className,
  ...button
}: {
  value: T;
  choices: readonly Choice<T>[];
  onValueChange: (value: T) => void;
  size?: "sm" | "default";
} & Omit<React.ComponentProps<"button">, "value" | "children" | "onChange">) {
  // Radix Select's values are strings: choices are addressed by position, so any value works.
  const selected = choices.findIndex((choice) => choice.value === value);
  return (
    <DeferredPopup
      popup="listbox"
      load={loadChoiceList}
      props={{
        selected,
        labels: choices.map((choice) => choice.label),
        onSelect: (index: number) => {
          const choice = choices[index];
          if (choice) onValueChange(choice.value);
        },
      }}
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
          <span data-slot="select-value">{choices[selected]?.label}</span>
          <ChevronDownIcon className="size-4 opacity-50" aria-hidden="true" />
        </button>
      )}
    />
  );
}
