import type { RouterOutputs } from "@folio/server/api";

export type Overview = RouterOutputs["portal"]["subscription"]["overview"];
export type CurrentSubscription = NonNullable<Overview["subscription"]>;
export type EndedSubscription = NonNullable<Overview["lastEnded"]>;
export type SubscriptionItem = CurrentSubscription["items"][number];
