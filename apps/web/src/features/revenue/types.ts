import type { RouterInputs, RouterOutputs } from "@folio/server/api";

type Revenue = RouterOutputs["admin"]["revenue"];

export type Series = Revenue["series"];
export type SeriesBucket = Series["buckets"][number];
export type Kpis = Revenue["kpis"];
export type KpiFigure = Kpis["mrr"];
export type Explanation = Revenue["explainMovements"];
export type ExplanationRow = Explanation["rows"][number];
export type CustomerRef = ExplanationRow["customer"];
export type PlanMix = Revenue["planMix"];
export type ChurnReasons = Revenue["churnReasons"];
export type TrialPipeline = Revenue["trialPipeline"];
export type ClosedMonth = Revenue["closedMonths"][number];
export type Restatement = Revenue["restatements"][number];
export type Reconciliation = Revenue["reconciliation"];
export type ReconcileCause = Reconciliation["differences"][number]["causes"][number]["cause"];
export type RangeInput = RouterInputs["admin"]["revenue"]["kpis"];
