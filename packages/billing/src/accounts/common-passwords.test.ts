import { describe, expect, it } from "vitest";
import { isCommonPassword } from "./common-passwords.ts";
import { passwordSchema } from "./input.ts";

describe("isCommonPassword", () => {
  it.each([
    "1234567890",
    "0987654321",
    "qwertyuiop",
    "aaaaaaaaaa",
    "abababababab",
    "abcdefghijk",
    "Password123",
    "password1234!",
    "P@ssw0rd2024",
    "iloveyou123",
    "Welcome2026!",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "!!!!!!!!!!!!",
  ])("refuses %s", (password) => {
    expect(isCommonPassword(password)).toBe(true);
  });

  it.each(["folio-demo", "correct-horse-battery", "a-long-enough-password", "tangerine kayak 42"])(
    "accepts %s",
    (password) => {
      expect(isCommonPassword(password)).toBe(false);
    },
  );
});

describe("passwordSchema", () => {
  it("refuses a password of only spaces with a message saying so", () => {
    const result = passwordSchema.safeParse(" ".repeat(12));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/only spaces/);
  });

  it("refuses a common password with a message saying why", () => {
    const result = passwordSchema.safeParse("Password123!");
    expect(result.error?.issues[0]?.message).toMatch(/first that attackers try/);
  });

  it("accepts a password with spaces in it", () => {
    expect(passwordSchema.safeParse("  three plain words  ").success).toBe(true);
  });
});
