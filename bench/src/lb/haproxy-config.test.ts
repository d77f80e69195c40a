import { describe, expect, it } from "vitest";
import { HAPROXY_RESERVED_FDS, haproxyConfig, haproxyMaxconn } from "./haproxy-config.js";

const backends = [
  { name: "instance-1", host: "127.0.0.1", port: 8081 },
  { name: "instance-2", host: "127.0.0.1", port: 8082 },
];

describe("haproxyConfig", () => {
  const text = haproxyConfig({ bind: { host: "127.0.0.1", port: 8443 }, backends, maxconn: 9_950 });
  const lines = text.split("\n").map((l) => l.trim());

  it("proxies HTTP with WebSocket-aware timeouts, health-checked on /healthz, least connections", () => {
    expect(lines).toEqual(
      expect.arrayContaining([
        "mode http",
        "timeout tunnel 1h",
        "option httpchk GET /healthz",
        "http-check expect status 200",
        "balance leastconn",
        "option redispatch",
        "bind 127.0.0.1:8443",
      ]),
    );
  });

  it("lists every backend once, health-checked, and sizes both the process and the frontend", () => {
    expect(lines.filter((l) => l.startsWith("server "))).toEqual(["server instance-1 127.0.0.1:8081", "server instance-2 127.0.0.1:8082"]);
    expect(lines.some((l) => l.startsWith("default-server check "))).toBe(true);
    expect(lines.filter((l) => l === "maxconn 9950")).toHaveLength(2);
  });

  it("has no stats page", () => {
    expect(text).not.toMatch(/stats/);
  });

  it("refuses an empty backend list", () => {
    expect(() => haproxyConfig({ bind: { host: "127.0.0.1", port: 1 }, backends: [], maxconn: 10 })).toThrow(/no backend/);
  });
});

describe("haproxyMaxconn", () => {
  it("leaves two descriptors per connection and the reserve within the open-file limit", () => {
    for (const limit of [1_024, 20_000, 65_536]) {
      const maxconn = haproxyMaxconn(limit);
      expect(2 * maxconn + HAPROXY_RESERVED_FDS).toBeLessThanOrEqual(limit);
      expect(2 * (maxconn + 1) + HAPROXY_RESERVED_FDS).toBeGreaterThan(limit);
    }
    expect(haproxyMaxconn(20_000)).toBe(9_950);
    expect(haproxyMaxconn(50)).toBe(0);
  });
});
