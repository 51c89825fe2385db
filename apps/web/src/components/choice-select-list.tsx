import { Select as SelectPrimitive } from "radix-ui";
import { useState } from "react";
import type { LoadedPopupProps } from "@/components/deferred-popup";
import { Select, SelectContent, SelectItem } from "@/components/ui/select";

/**
 * A ChoiceSelect once its code has loaded. Its options are drawn only while open: closed, Radix
 * would draw them into a detached fragment on every render for a label the trigger has already.
 */
export function ChoiceSelectList({
  selected,
  labels,
  onSelect,
  trigger,
  defaultOpen,
}: {
  /** Position of the chosen label; -1 for none. */
  selected: number;
  labels: readonly string[];
  onSelect: (index: number) => void;
} & LoadedPopupProps) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <Select
      value={String(selected)}
      onValueChange={(value) => onSelect(Number(value))}
      open={open}
      onOpenChange={setOpen}
    >
      <SelectPrimitive.Trigger asChild>{trigger}</SelectPrimitive.Trigger>
      {open && (
        <SelectContent>
          {labels.map((label, index) => (
            <SelectItem key={index} value={String(index)}>
              {label}
            </SelectItem>
          ))}
        </SelectContent>
      )}
    </Select>
  );
}
