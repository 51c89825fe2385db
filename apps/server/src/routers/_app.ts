import { router } from "../trpc.ts";
import { authRouter } from "./auth.ts";
import { staffRouter } from "./staff.ts";

// One router per domain; add new domains here.
export const appRouter = router({
  auth: authRouter,
  staff: staffRouter,
});

export type AppRouter = typeof appRouter;
