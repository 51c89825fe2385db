import type { Actor, Clock } from "@folio/billing";
import type { Db } from "@folio/db";
import type { CreateFastifyContextOptions } from "@trpc/server/adapters/fastify";
import type { FastifyBaseLogger } from "fastify";
import { pino } from "pino";
import type Stripe from "stripe";
import { blankSessionCookie, readCookie, sessionCookie } from "./auth/cookies.ts";
import {
  SESSION_COOKIE,
  validateSessionToken,
  type Session,
  type SessionUser,
} from "./auth/session.ts";
import { LoginThrottle } from "./auth/throttle.ts";
import { loadEnv, type Env } from "./env.ts";

export interface Context {
  env: Env;
  db: Db;
  clock: Clock;
  stripe: Stripe | undefined;
  user: SessionUser | null;
  session: Session | null;
  /** Client IP as Fastify sees it (honours TRUST_PROXY); null outside HTTP. */
  ip: string | null;
  requestId: string | null;
  log: FastifyBaseLogger;
  /** Headers (Set-Cookie, Retry-After) copied onto the HTTP response, even on errors. */
  resHeaders: Headers;
  loginThrottle: LoginThrottle;
  /**
   * Who is acting, for the domain functions and the audit log: the signed-in user with the
   * request's IP, or null without a session. Customer and staff procedures narrow it.
   */
  actor: CustomerActor | StaffActor | null;
}

export type CustomerActor = Extract<Actor, { type: "customer" }>;
export type StaffActor = Extract<Actor, { type: "staff" }>;

/** The actor a signed-in user acts as: customers as themselves, everyone else as staff. */
export function actorFor(user: SessionUser, ip: string | null): CustomerActor | StaffActor {
  return user.role === "customer"
    ? { type: "customer", userId: user.id, ip }
    : { type: "staff", userId: user.id, role: user.role, ip };
}

export interface InnerContextOptions {
  db: Db;
  clock: Clock;
  stripe?: Stripe | undefined;
  user?: SessionUser | null;
  session?: Session | null;
  env?: Env;
  ip?: string | null;
  requestId?: string | null;
  log?: FastifyBaseLogger;
  resHeaders?: Headers;
  loginThrottle?: LoginThrottle;
}

/** Builds a context without HTTP; tests call procedures through `createCaller` with this. */
export function createContextInner(opts: InnerContextOptions): Context {
  const user = opts.user ?? null;
  const ip = opts.ip ?? null;
  return {
    env: opts.env ?? loadEnv({ NODE_ENV: "test", LOG_LEVEL: "silent" }),
    db: opts.db,
    clock: opts.clock,
    stripe: opts.stripe,
    user,
    session: opts.session ?? null,
    ip,
    requestId: opts.requestId ?? null,
    log: opts.log ?? pino({ enabled: false }),
    resHeaders: opts.resHeaders ?? new Headers(),
    loginThrottle: opts.loginThrottle ?? new LoginThrottle(opts.clock),
    actor: user ? actorFor(user, ip) : null,
  };
}

export function usesSecureCookies(env: Env): boolean {
  return env.APP_URL.startsWith("https:");
}

/** What the per-request context takes from the running server (`app.folio` provides it). */
export type ContextServices = Pick<Context, "env" | "db" | "clock" | "stripe" | "loginThrottle">;

/**
 * Per-request context: resolves the session cookie, renews it when due, clears it when dead.
 * Sessions live only in the database, so whichever instance answers sees the same one.
 * `services` is read on every request (not copied), so later changes to it are seen.
 */
export function createContextFactory(services: ContextServices) {
  return async function createContext({ req }: CreateFastifyContextOptions): Promise<Context> {
    const { db, clock, env, stripe, loginThrottle } = services;
    const resHeaders = new Headers();
    const secure = usesSecureCookies(env);

    let user: SessionUser | null = null;
    let session: Session | null = null;
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (token) {
      const valid = await validateSessionToken(db, clock, token);
      if (valid) {
        ({ user, session } = valid);
        if (valid.renewed) {
          resHeaders.append(
            "set-cookie",
            sessionCookie(token, valid.session.expiresAt, clock.now(), secure),
          );
        }
      } else {
        resHeaders.append("set-cookie", blankSessionCookie(secure));
      }
    }

    return createContextInner({
      env,
      db,
      clock,
      stripe,
      loginThrottle,
      user,
      session,
      ip: req.ip,
      requestId: req.id,
      log: req.log,
      resHeaders,
    });
  };
}
