export {
  CUSTOMER_SORTS,
  CUSTOMER_SUBSCRIPTION_FILTERS,
  customerListQuery,
  listCustomers,
  type CustomerListFilters,
  type CustomerListItem,
  type CustomerListOrder,
  type CustomerSort,
  type CustomerSubscriptionFilter,
} from "./list.ts";
export { CUSTOMER_PAGE_RECENT, customerDetail, type CustomerDetail } from "./detail.ts";
export {
  TIMELINE_KINDS,
  customerTimeline,
  type MoneyDelta,
  type TimelineEntry,
  type TimelineKind,
} from "./timeline.ts";
export {
  RESYNCED_KINDS,
  resyncCustomerFromStripe,
  type ResyncChange,
  type ResyncResult,
  type ResyncedKind,
} from "./resync.ts";
