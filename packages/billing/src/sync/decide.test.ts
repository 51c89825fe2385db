import { describe, expect, it } from "vitest";
import {
  decide,
  mustFetch,
  sameContent,
  stillHolds,
  type Decision,
  type Snapshot,
  type StoredState,
} from "./decide.ts";

// The version guard on its own: no database, no Stripe.

const S = 1_750_000_000_000; // a whole second, in ms
const customer = (name: string) => ({ id: "cus_1", object: "customer", name });

function stored(over: Partial<StoredState> & { raw?: unknown } = {}): StoredState {
  return {
    versionTs: new Date(S),
    versionEventId: "evt_stored",
    deletedAt: null,
    raw: customer("stored"),
    ...over,
  };
}

function event(over: Partial<Snapshot> = {}): Snapshot {
  return {
    kind: "customer",
    object: customer("event"),
    version: S,
    eventId: "evt_new",
    tombstone: false,
    fromFetch: false,
    ...over,
  };
}

function fetched(over: Partial<Snapshot> = {}): Snapshot {
  return event({ eventId: null, fromFetch: true, object: customer("fetched"), ...over });
}

describe("decide", () => {
  const cases: Array<[string, StoredState | null, Snapshot, Decision]> = [
    ["nothing stored: insert", null, event(), "insert"],
    ["nothing stored, deletion: tombstone", null, event({ tombstone: true }), "tombstone"],
    ["newer event: update", stored(), event({ version: S + 1000 }), "update"],
    ["older event: skip_stale", stored(), event({ version: S - 1000 }), "skip_stale"],
    ["the stored event again: skip_same", stored(), event({ eventId: "evt_stored" }), "skip_same"],
    ["same second, other event: tie", stored(), event(), "tie"],
    ["same second as a stored fetch, event: tie", stored({ versionEventId: null }), event(), "tie"],
    ["fetch of the stored second, not after the stored read: tie", stored(), fetched(), "tie"],
    [
      "fetch of the stored second, made after reading it: wins the tie",
      stored(),
      fetched({ afterStored: true }),
      "update",
    ],
    [
      "two fetches of one second: the later one is applied",
      stored({ versionEventId: null }),
      fetched(),
      "update",
    ],
    [
      "fetch against a legacy fetched row stored at the end of its second (.999)",
      stored({ versionEventId: null, versionTs: new Date(S + 999) }),
      fetched(),
      "update",
    ],
    [
      "an event of a legacy .999 fetched row's second ties",
      stored({ versionEventId: null, versionTs: new Date(S + 999) }),
      event(),
      "tie",
    ],
    ["older fetch: skip_stale", stored(), fetched({ version: S - 1000 }), "skip_stale"],
    [
      "deletion older than what is stored still deletes",
      stored(),
      event({ version: S - 5000, tombstone: true }),
      "tombstone",
    ],
    [
      "tombstoned: nothing revives it",
      stored({ deletedAt: new Date(S) }),
      event({ version: S + 60_000 }),
      "skip_tombstoned",
    ],
    [
      "tombstoned: a second deletion is a no-op too",
      stored({ deletedAt: new Date(S) }),
      event({ version: S + 60_000, tombstone: true }),
      "skip_tombstoned",
    ],
    [
      "newer fetch with identical content: touch",
      stored({ raw: customer("same") }),
      fetched({ version: S + 1000, object: customer("same") }),
      "touch",
    ],
    [
      "newer fetch, content in another key order: touch",
      stored({ raw: { name: "same", object: "customer", id: "cus_1" } }),
      fetched({ version: S + 1000, object: customer("same") }),
      "touch",
    ],
    [
      "newer fetch with changed content: update",
      stored({ raw: customer("old") }),
      fetched({ version: S + 1000, object: customer("new") }),
      "update",
    ],
    [
      "newer event with identical content: update (events are not compared)",
      stored({ raw: customer("same") }),
      event({ version: S + 1000, object: customer("same") }),
      "update",
    ],
  ];

  it.each(cases)("%s", (_name, s, snap, want) => {
    expect(decide(s, snap)).toBe(want);
  });

  it("reads the stored JSON only when it compares content", () => {
    let parsed = 0;
    const lazy = {
      ...stored(),
      get raw() {
        parsed++;
        return customer("x");
      },
    };
    decide(lazy, event({ version: S + 1000 }));
    decide(lazy, event({ version: S - 1000 }));
    expect(parsed).toBe(0);
    decide(lazy, fetched({ version: S + 1000 }));
    expect(parsed).toBe(1);
  });
});

describe("mustFetch", () => {
  const untrusted = event({ untrusted: true });
  it.each<[string, Decision, Snapshot, boolean]>([
    ["a tie is settled by the API", "tie", event(), true],
    ["an untrusted snapshot that would be inserted", "insert", untrusted, true],
    ["an untrusted snapshot that would update", "update", untrusted, true],
    ["an untrusted deletion needs no shape", "tombstone", { ...untrusted, tombstone: true }, false],
    ["an untrusted stale snapshot is skipped anyway", "skip_stale", untrusted, false],
    ["a trusted update", "update", event(), false],
  ])("%s", (_name, decision, snap, want) => {
    expect(mustFetch(decision, snap)).toBe(want);
  });
});

describe("stillHolds (the write's re-check)", () => {
  it.each<[Decision, Decision, boolean]>([
    ["update", "update", true],
    ["insert", "update", false],
    ["update", "skip_stale", false],
    ["skip_stale", "skip_stale", true],
    ["touch", "update", false],
    ["touch", "skip_same", true],
  ])("planned %s, found %s → %s", (planned, again, want) => {
    expect(stillHolds(planned, again)).toBe(want);
  });
});

describe("sameContent", () => {
  it("ignores key order at every depth, not array order", () => {
    expect(sameContent({ a: 1, b: { c: 2, d: [1, 2] } }, { b: { d: [1, 2], c: 2 }, a: 1 })).toBe(
      true,
    );
    expect(sameContent({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameContent({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameContent({ a: null }, {})).toBe(false);
  });
});
