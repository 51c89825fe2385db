import {
  KeyRoundIcon,
  ClipboardCheckIcon,
  LineChartIcon,
  ListChecksIcon,
  MailIcon,
  PackageCheckIcon,
  ScrollTextIcon,
  SendIcon,
  SettingsIcon,
  ShieldCheckIcon,
  ShoppingBagIcon,
  Undo2Icon,
  UsersIcon,
  WalletIcon,
  WebhookIcon,
  type LucideIcon,
} from "lucide-react";
import type { AdminSection } from "@/features/admin/sections";

/** Each admin section's icon in the sidebar and on the overview. */
export const SECTION_ICONS: Record<AdminSection["to"], LucideIcon> = {
  "/admin/customers": UsersIcon,
  "/admin/orders": ShoppingBagIcon,
  "/admin/fulfilment": PackageCheckIcon,
  "/admin/refunds": Undo2Icon,
  "/admin/wallets": WalletIcon,
  "/admin/approvals": ClipboardCheckIcon,
  "/admin/revenue": LineChartIcon,
  "/admin/webhooks": WebhookIcon,
  "/admin/jobs": ListChecksIcon,
  "/admin/outbound-webhooks": SendIcon,
  "/admin/mail": MailIcon,
  "/admin/staff": ShieldCheckIcon,
  "/admin/audit": ScrollTextIcon,
  "/admin/settings": SettingsIcon,
  "/admin/api-keys": KeyRoundIcon,
};
