import { describe, expect, it } from "vitest";
import { toPostgres } from "./postgres.ts";

describe("toPostgres", () => {
  it("numbers placeholders outside quoted text and identifiers", () => {
    expect(toPostgres(`select "a?" from t where x = ? and y = 'why?' and z in (?, ?)`)).toBe(
      `select "a?" from t where x = $1 and y = 'why?' and z in ($2, $3)`,
    );
  });

  it("drops the table qualifier from an upsert's conflict target only", () => {
    expect(
      toPostgres(
        `insert into "t" ("a", "b") values (?, ?) on conflict ("t"."a", "t"."b") do update set "b" = excluded."b" where "t"."b" < ?`,
      ),
    ).toBe(
      `insert into "t" ("a", "b") values ($1, $2) on conflict ("a", "b") do update set "b" = excluded."b" where "t"."b" < $3`,
    );
  });
});
