import type { FaultRule } from "./types.ts";

/**
 * Fault rules the control API sets on deliveries (drop, duplicate, delay, reorder), for
 * testing how a receiver copes with what Stripe's network may do.
 */

function eventMatches(pattern: string | undefined, type: string): boolean {
  if (pattern === undefined || pattern === "*") return true;
  if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export class FaultRules {
  private rules: FaultRule[] = [];
  private seq = 0;

  add(rule: Omit<FaultRule, "id">): FaultRule {
    const full: FaultRule = { ...rule, id: `fault_${++this.seq}` };
    this.rules.push(full);
    return full;
  }

  list(): FaultRule[] {
    return this.rules.map((f) => ({ ...f }));
  }

  clear(): void {
    this.rules = [];
  }

  /**
   * The first rule for this delivery, counted down (and removed when used up). A delivery
   * is delayed or reordered at most once (`already`).
   */
  take(
    delivery: { eventType: string; endpointId: string; endpointUrl: string | undefined },
    already: { delayed: boolean; reordered: boolean },
  ): FaultRule | undefined {
    const rule = this.rules.find(
      (f) =>
        eventMatches(f.match.type, delivery.eventType) &&
        (f.match.endpoint === undefined ||
          f.match.endpoint === delivery.endpointId ||
          f.match.endpoint === delivery.endpointUrl) &&
        (f.count === undefined || f.count > 0) &&
        !(f.action === "delay" && already.delayed) &&
        !(f.action === "reorder" && already.reordered),
    );
    if (rule?.count !== undefined) {
      rule.count -= 1;
      if (rule.count <= 0) this.rules = this.rules.filter((f) => f !== rule);
    }
    return rule;
  }
}
