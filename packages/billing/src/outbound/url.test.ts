import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.ts";
import { checkEndpointUrl, isPrivateAddress } from "./url.ts";

const strict = { allowPrivate: false };

async function refusal(url: string, policy = strict): Promise<string> {
  try {
    await checkEndpointUrl(url, policy);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("BAD_REQUEST");
    return (err as DomainError).message;
  }
  throw new Error(`${url} was accepted`);
}

describe("endpoint URLs", () => {
  it("accepts http(s) only, without credentials", async () => {
    expect(await refusal("ftp://example.com/x", { allowPrivate: true })).toBe(
      "Endpoint URLs must start with https:// (or http://), not ftp://.",
    );
    expect(await refusal("javascript:alert(1)", { allowPrivate: true })).toMatch(/not javascript:/);
    expect(await refusal("hook.example.com", { allowPrivate: true })).toMatch(/is not a URL/);
    expect(await refusal("https://user:pw@hook.example.com", { allowPrivate: true })).toMatch(
      /credentials/,
    );
  });

  it("refuses private, loopback and link-local addresses outside demo and tests", async () => {
    for (const url of [
      "http://127.0.0.1:8080/hook",
      "http://localhost/hook",
      "http://10.1.2.3/",
      "http://172.20.0.1/",
      "http://192.168.1.10/",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]/",
      "http://[fe80::1]/",
      "http://[fd00::1]/",
      "http://[::ffff:10.0.0.1]/",
      "http://0.0.0.0/",
    ]) {
      expect(await refusal(url)).toMatch(
        /resolves to .*, a private, loopback or link-local address\. Endpoints must be reachable on the public internet\.$/,
      );
    }
    expect(await refusal("https://no-such-host.invalid/")).toBe(
      "no-such-host.invalid does not resolve to an address. Check the host name.",
    );
  });

  it("accepts public addresses, and private ones when the policy allows them", async () => {
    expect((await checkEndpointUrl("https://93.184.215.14/hook#frag", strict)).href).toBe(
      "https://93.184.215.14/hook",
    );
    expect((await checkEndpointUrl("http://127.0.0.1:7100/x", { allowPrivate: true })).href).toBe(
      "http://127.0.0.1:7100/x",
    );
    expect(isPrivateAddress("8.8.8.8")).toBe(false);
    expect(isPrivateAddress("2606:4700::1111")).toBe(false);
    expect(isPrivateAddress("100.64.0.1")).toBe(true);
  });
});
