import type { ChartConfig } from "@/components/ui/chart";
import type { MovementKind } from "@/features/revenue/search";

// Gains stack up from zero, losses down (contraction and churn are negative amounts).
export const MOVEMENT_ORDER = [
  "new",
  "expansion",
  "reactivation",
  "contraction",
  "churn",
] as const satisfies readonly MovementKind[];

export const movementConfig = {
  new: { label: "New", color: "var(--chart-1)" },
  expansion: { label: "Expansion", color: "var(--chart-2)" },
  reactivation: { label: "Reactivation", color: "var(--chart-5)" },
  contraction: { label: "Contraction", color: "var(--chart-3)" },
  churn: { label: "Churn", color: "var(--chart-4)" },
} satisfies ChartConfig;
