// The console's home page: what needs attention, per role.
export {
  adminHome,
  OPEN_SHIPPING_STATUSES,
  type AdminHome,
  type HomeCardsWanted,
} from "./summary.ts";
