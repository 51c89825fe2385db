import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";
import { text } from "@/lib/search-params";

export type MailRow = RouterOutputs["admin"]["mail"]["list"]["items"][number];

/** The Sent mail view in the URL: a recipient filter, the page, and the e-mail that is open. */
export const mailListSearch = defineListSearch({
  filters: { to: text({ trim: true, min: 1, max: 254 }) },
  params: { mail: text({ min: 1, max: 100 }) },
});

export type MailSearch = ReturnType<typeof mailListSearch.parse>;
