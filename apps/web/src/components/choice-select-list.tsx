import { Select as SelectPrimitive } from "radix-ui";
import { useState } from "react";
import type { Choice } from "@/components/choice-select";
import type { LoadedPopupProps } from "@/components/deferred-popup";
import { Select, SelectContent, SelectItem } from "@/components/ui/select";

/**
 * A ChoiceSelect once its code has loaded. Its options are drawn only while open: closed, Radix
 * would draw them into a detached fragment on every render for a label the trigger has already.
 */
export function ChoiceSelectList({
  value,
  choices,
  onValueChange,
  trigger,
  defaultOpen,
}: {
  value: string;
  choices: readonly Choice[];
  onValueChange: (value: string) => void;
} & LoadedPopupProps) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <Select value={value} onValueChange={onValueChange} open={open} onOpenChange={setOpen}>
      <SelectPrimitive.Trigger asChild>{trigger}</SelectPrimitive.Trigger>
      {open && (
        <SelectContent>
          {choices.map((choice) => (
            <SelectItem key={choice.value} value={choice.value}>
              {choice.label}
            </SelectItem>
          ))}
        </SelectContent>
      )}
    </Select>
  );
}
