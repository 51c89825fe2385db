import { ApiError } from "./core/errors.ts";
import type { FaultRule } from "./core/webhooks/types.ts";
import type { EmulatorHandle } from "./emulator.ts";

/**
 * The control API built into every emulator (`/_emulator/*`): health, reset, the clock,
 * stored state, webhook deliveries and fault rules. Modules add their own control routes.
 */

type ControlResult = { status: number; body: unknown } | undefined;

const ok = (b: unknown): ControlResult => ({ status: 200, body: b });

function num(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) {
    throw new ApiError(400, "invalid_request_error", `${name} must be a number`, { param: name });
  }
  return n;
}

function clockBody(handle: EmulatorHandle) {
  const now = handle.now();
  return { now, iso: new Date(now * 1000).toISOString(), fixed: handle.core.clock.fixed };
}

/** `POST /_emulator/clock`: `{ advance: seconds }` or `{ to: unix seconds | ISO time }`. */
function setClockFromBody(handle: EmulatorHandle, body: Record<string, unknown>): void {
  const seconds = num(body.advance ?? body.seconds, "advance");
  if (body.to !== undefined) {
    const to = body.to;
    if (typeof to === "number") handle.setClock(to);
    else if (typeof to === "string") handle.setClock(/^\d+$/.test(to) ? Number(to) : to);
    else
      throw new ApiError(400, "invalid_request_error", "to must be unix seconds or an ISO time", {
        param: "to",
      });
  } else if (seconds !== undefined) {
    if (seconds < 0) {
      throw new ApiError(400, "invalid_request_error", "The clock only moves forward.", {
        param: "advance",
      });
    }
    handle.advanceClock(seconds);
  } else {
    throw new ApiError(
      400,
      "invalid_request_error",
      "Pass `advance` (seconds) or `to` (unix seconds or ISO time).",
      {
        param: "advance",
      },
    );
  }
}

/** `POST /_emulator/faults`: a fault rule from its JSON body. */
function faultFromBody(handle: EmulatorHandle, body: Record<string, unknown>): FaultRule {
  const action = body.action;
  if (action !== "drop" && action !== "duplicate" && action !== "delay" && action !== "reorder") {
    throw new ApiError(
      400,
      "invalid_request_error",
      "action must be one of drop, duplicate, delay, reorder",
      {
        param: "action",
      },
    );
  }
  const match = (body.match ?? {}) as Record<string, unknown>;
  const count = num(body.count, "count");
  const delayMs = num(body.delayMs, "delayMs");
  return handle.addFault({
    action,
    match: {
      ...(typeof match.type === "string" ? { type: match.type } : {}),
      ...(typeof match.endpoint === "string" ? { endpoint: match.endpoint } : {}),
    },
    ...(count !== undefined ? { count } : {}),
    ...(delayMs !== undefined ? { delayMs } : {}),
  });
}

/** Stored state as it is: objects (with deleted stubs and private data), jobs, requests. */
function inspect(
  handle: EmulatorHandle,
  method: string,
  path: string,
  query: Record<string, unknown>,
): ControlResult {
  const route = `${method} ${path}`;
  if (route === "GET /_emulator/jobs") return ok({ data: handle.core.listJobs() });
  if (route === "GET /_emulator/objects") {
    const type = typeof query.type === "string" ? query.type : undefined;
    if (!type)
      throw new ApiError(400, "invalid_request_error", "Pass ?type=<object type>.", {
        param: "type",
      });
    return ok({ data: handle.core.store.list(type) });
  }
  const objectMatch = /^\/_emulator\/objects\/([^/]+)$/.exec(path);
  if (objectMatch && method === "GET") {
    // Raw stored state, including deleted stubs and objects the API hides.
    const id = decodeURIComponent(objectMatch[1] ?? "");
    const object = handle.core.store.get(id);
    if (!object) throw new ApiError(404, "invalid_request_error", `No such object: '${id}'`);
    return ok({ object, private: handle.core.store.getPrivate(id) ?? null });
  }
  if (route === "GET /_emulator/requests")
    return ok({ data: [...handle.core.requestLog].reverse() });
  return undefined;
}

/** Webhook deliveries, fault rules, flushing and secret rolls. */
async function webhooks(
  handle: EmulatorHandle,
  method: string,
  path: string,
  body: Record<string, unknown>,
  query: Record<string, unknown>,
): Promise<ControlResult> {
  if (`${method} ${path}` === "GET /_emulator/deliveries") {
    const filter: { event?: string; endpoint?: string; status?: string } = {};
    if (typeof query.event === "string") filter.event = query.event;
    if (typeof query.endpoint === "string") filter.endpoint = query.endpoint;
    if (typeof query.status === "string") filter.status = query.status;
    return ok({ data: handle.deliveries(filter) });
  }
  const deliveryMatch = /^\/_emulator\/deliveries\/([^/]+)(\/redeliver)?$/.exec(path);
  if (deliveryMatch) {
    const id = deliveryMatch[1] ?? "";
    const redeliver = deliveryMatch[2] !== undefined;
    if (redeliver && method !== "POST") return undefined;
    if (!redeliver && method !== "GET") return undefined;
    const delivery = redeliver ? handle.redeliver(id) : handle.core.webhooks.getDelivery(id);
    if (!delivery) throw new ApiError(404, "invalid_request_error", `No such delivery: '${id}'`);
    return ok(delivery);
  }
  if (path === "/_emulator/faults") {
    if (method === "GET") return ok({ data: handle.core.webhooks.listFaults() });
    if (method === "DELETE") {
      handle.clearFaults();
      return ok({ data: [] });
    }
    if (method === "POST") return ok(faultFromBody(handle, body));
  }
  if (`${method} ${path}` === "POST /_emulator/flush") {
    return ok(await handle.flushWebhooks(num(body.timeoutMs, "timeoutMs")));
  }
  const roll = /^\/_emulator\/webhook_endpoints\/([^/]+)\/roll_secret$/.exec(path);
  if (roll && method === "POST") {
    const id = roll[1] ?? "";
    if (!handle.core.store.getTyped("webhook_endpoint", id)) {
      throw new ApiError(404, "invalid_request_error", `No such webhook endpoint: '${id}'`);
    }
    return ok(handle.rollWebhookSecret(id, num(body.graceSeconds, "graceSeconds")));
  }
  return undefined;
}

/** Control API: `/_emulator/*`. Module-specific control routes come after these. */
export async function builtinControl(
  handle: EmulatorHandle,
  method: string,
  path: string,
  body: Record<string, unknown>,
  query: Record<string, unknown>,
): Promise<ControlResult> {
  const route = `${method} ${path}`;
  if (route === "GET /_emulator/health") return ok({ ok: true, ...clockBody(handle) });
  if (route === "POST /_emulator/reset") {
    await handle.reset();
    return ok({ reset: true, ...clockBody(handle) });
  }
  if (route === "GET /_emulator/clock") return ok(clockBody(handle));
  if (route === "POST /_emulator/clock") {
    setClockFromBody(handle, body);
    return ok(clockBody(handle));
  }
  return (
    inspect(handle, method, path, query) ?? (await webhooks(handle, method, path, body, query))
  );
}
