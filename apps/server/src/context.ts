import type { Clock } from "@folio/billing";
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
  return {
    env: opts.env ?? loadEnv({ NODE_ENV: "test", LOG_LEVEL: "silent" }),
    db: opts.db,
    clock: opts.clock,
    stripe: opts.stripe,
    user: opts.user ?? null,
    session: opts.session ?? null,
    ip: opts.ip ?? null,
    requestId: opts.requestId ?? null,
    log: opts.log ?? pino({ enabled: false }),
    resHeaders: opts.resHeaders ?? new Headers(),
    loginThrottle: opts.loginThrottle ?? new LoginThrottle(opts.clock),
  };
}

export function usesSecureCookies(env: Env): boolean {
  return env.APP_URL.startsWith("https:");
}

/** Per-request context: resolves the session cookie, renews it when due, clears it when dead. */
export function createContext({ req }: CreateFastifyContextOptions): Context {
  const services = req.server.folio;
  const { db, clock, env } = services;
  const resHeaders = new Headers();
  const secure = usesSecureCookies(env);

  let user: SessionUser | null = null;
  let session: Session | null = null;
  const token = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (token) {
    const valid = validateSessionToken(db, clock, token);
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
    ...services,
    user,
    session,
    ip: req.ip,
    requestId: req.id,
    log: req.log,
    resHeaders,
  });
}
