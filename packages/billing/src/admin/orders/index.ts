// Orders for staff (support, finance, admin): the filtered list, one order's page and its timeline.
export { adminOrderById, type AdminOrder } from "./detail.ts";
export {
  listAdminOrders,
  orderFilterConditions,
  orderListFilters,
  orderListSort,
  ORDER_ROW_COLUMNS,
  ORDER_SORTS,
  type AdminOrderRow,
  type OrderListInput,
} from "./list.ts";
export { orderSearch } from "./search.ts";
export { orderTimeline, type OrderTimelineEntry } from "./timeline.ts";
export { seedOrder, type SeedOrder } from "./testing.ts";
