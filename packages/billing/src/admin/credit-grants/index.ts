// Staff credit grants and debits on a customer's Stripe credit balance.
export {
  createCreditGrant,
  createCreditGrantInput,
  type CreateCreditGrantInput,
} from "./create.ts";
export { executeCreditGrant, type CreditGrantRow } from "./execute.ts";
export { listCreditGrants, type CreditGrantItem } from "./list.ts";
export {
  creditLedgerFilters,
  listAllCreditLedger,
  type CreditLedgerFilters,
  type CreditLedgerRow,
} from "./ledger.ts";
