import type { RouterInputs, RouterOutputs } from "@folio/server/api";

export type PlanOptions = RouterOutputs["portal"]["plan"]["options"];
export type CurrentPlan = NonNullable<PlanOptions["subscription"]>;
export type PlanPrice = PlanOptions["plans"][number];
export type Pending = NonNullable<PlanOptions["pending"]>;
export type Preview = RouterOutputs["portal"]["plan"]["preview"];
export type PreviewInput = RouterInputs["portal"]["plan"]["preview"];
