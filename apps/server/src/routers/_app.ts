import { router } from "../trpc.ts";
import { authRouter } from "./auth.ts";
import { billingRouter } from "./billing.ts";
import { staffRouter } from "./staff.ts";
import { webhooksRouter } from "./webhooks.ts";

// One router per domain; add new domains here.
export const appRouter = router({
  auth: authRouter,
  billing: billingRouter,
  staff: staffRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
