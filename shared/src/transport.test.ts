import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "./transport.js";

describe("isLoopbackHost", () => {
  it.each([
    ["localhost", true],
    ["LOCALHOST", true],
    ["agent.localhost", true],
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["::1", true],
    ["[::1]", true],
    ["0:0:0:0:0:0:0:1", true],
    ["::ffff:127.0.0.1", true],
    ["0.0.0.0", false],
    ["::", false],
    ["[::]", false],
    ["10.0.0.5", false],
    ["192.168.1.20", false],
    ["128.0.0.1", false],
    ["127.0.0.256", false],
    ["::2", false],
    ["1::1", false],
    ["compliance.wegroup.example", false],
    ["localhost.wegroup.example", false],
    ["", false],
  ])("%s → %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
