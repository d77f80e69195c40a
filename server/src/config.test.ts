import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkTransport, ConfigError, DEFAULT_TUNING, parseConfig, parseDatabaseUrl, parseListen, parseTrustedProxies } from "./config.js";

const CWD = "/srv/compliance";

describe("parseConfig", () => {
  it("defaults to 127.0.0.1:8080, ./data and SQLite inside the data dir", () => {
    const config = parseConfig({}, {}, CWD);
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(config.dataDir).toBe("/srv/compliance/data");
    expect(config.database).toEqual({ kind: "sqlite", path: "/srv/compliance/data/compliance.db" });
    expect(config.tls).toBeNull();
    expect(config.logLevel).toBe("info");
    expect(config.tuning).toEqual(DEFAULT_TUNING);
  });

  it("takes the environment over the defaults", () => {
    const config = parseConfig(
      {},
      {
        COMPLIANCE_LISTEN: "0.0.0.0:9000",
        COMPLIANCE_DATA_DIR: "/var/lib/c",
        COMPLIANCE_DB: "postgres://u@db/c",
        COMPLIANCE_LOG_LEVEL: "warn",
      },
      CWD,
    );
    expect(config.listen).toEqual({ host: "0.0.0.0", port: 9000 });
    expect(config.dataDir).toBe("/var/lib/c");
    expect(config.database).toEqual({ kind: "postgres", url: "postgres://u@db/c" });
    expect(config.logLevel).toBe("warn");
  });

  it("takes the command line over the environment", () => {
    const config = parseConfig(
      { listen: "127.0.0.1:0", dataDir: "d", db: "sqlite:x.db", logLevel: "debug" },
      { COMPLIANCE_LISTEN: "0.0.0.0:9000", COMPLIANCE_DATA_DIR: "/var/lib/c", COMPLIANCE_DB: "postgres://u@db/c" },
      CWD,
    );
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 0 });
    expect(config.dataDir).toBe("/srv/compliance/d");
    expect(config.database).toEqual({ kind: "sqlite", path: "/srv/compliance/x.db" });
    expect(config.logLevel).toBe("debug");
  });

  it("puts the default database in the chosen data dir", () => {
    expect(parseConfig({ dataDir: "/tmp/x" }, {}, CWD).database).toEqual({ kind: "sqlite", path: path.join("/tmp/x", "compliance.db") });
  });

  it("treats empty values as absent", () => {
    expect(parseConfig({ listen: "" }, { COMPLIANCE_LISTEN: " " }, CWD).listen.port).toBe(8080);
  });

  it("needs --tls-cert and --tls-key together", () => {
    expect(parseConfig({ tlsCert: "c.pem", tlsKey: "k.pem" }, {}, CWD).tls).toEqual({
      certFile: "/srv/compliance/c.pem",
      keyFile: "/srv/compliance/k.pem",
    });
    expect(() => parseConfig({ tlsCert: "c.pem" }, {}, CWD)).toThrow(/--tls-cert and --tls-key go together/);
    expect(() => parseConfig({ tlsKey: "k.pem" }, {}, CWD)).toThrow(ConfigError);
  });

  it("refuses an unknown log level", () => {
    expect(() => parseConfig({ logLevel: "loud" }, {}, CWD)).toThrow(/--log-level: expected one of/);
  });

  it("freezes the result, nested parts included", () => {
    const config = parseConfig({}, {}, CWD, { batchMaxItems: 7 });
    expect(config.tuning.batchMaxItems).toBe(7);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.listen)).toBe(true);
    expect(Object.isFrozen(config.tuning)).toBe(true);
  });
});

describe("parseListen", () => {
  it.each([
    ["127.0.0.1:8080", "127.0.0.1", 8080],
    ["0.0.0.0:0", "0.0.0.0", 0],
    ["localhost:443", "localhost", 443],
    ["[::1]:8443", "::1", 8443],
    ["[::]:0", "::", 0],
  ])("reads %s", (value, host, port) => {
    expect(parseListen(value)).toEqual({ host, port });
  });

  it.each(["8080", "127.0.0.1", "127.0.0.1:", ":8080", "::1:8080", "host:http", "127.0.0.1:65536", "a b:1"])(
    "refuses %s naming the option",
    (value) => {
      expect(() => parseListen(value)).toThrow(/--listen/);
    },
  );
});

describe("parseDatabaseUrl", () => {
  it.each([
    ["sqlite:data/c.db", { kind: "sqlite", path: "/srv/compliance/data/c.db" }],
    ["sqlite:/abs/c.db", { kind: "sqlite", path: "/abs/c.db" }],
    ["sqlite:///abs/c.db", { kind: "sqlite", path: "/abs/c.db" }],
    ["sqlite::memory:", { kind: "sqlite", path: ":memory:" }],
    ["postgres://postgres@127.0.0.1:5432/test", { kind: "postgres", url: "postgres://postgres@127.0.0.1:5432/test" }],
    ["postgresql://u:p@h/db", { kind: "postgres", url: "postgresql://u:p@h/db" }],
  ])("reads %s", (value, target) => {
    expect(parseDatabaseUrl(value, CWD)).toEqual(target);
  });

  it("refuses other schemes without repeating a password", () => {
    expect(() => parseDatabaseUrl("mysql://root:hunter2@db/x", CWD)).toThrow(/--db: expected sqlite:<path> or postgres/);
    expect(() => parseDatabaseUrl("mysql://root:hunter2@db/x", CWD)).not.toThrow(/hunter2/);
    expect(() => parseDatabaseUrl("sqlite:", CWD)).toThrow(/names no file/);
  });
});

describe("operator limits (--limit NAME=VALUE, COMPLIANCE_LIMITS)", () => {
  it("sets limits from the environment, the command line winning", () => {
    const config = parseConfig(
      { limit: ["helloMaxBytes=2048", "framesPerSecond=50"] },
      { COMPLIANCE_LIMITS: "helloMaxBytes=4096, enrollBurst=3" },
      CWD,
    );
    expect(config.tuning).toEqual({ ...DEFAULT_TUNING, helloMaxBytes: 2048, framesPerSecond: 50, enrollBurst: 3 });
  });

  it.each([
    ["an unknown name", ["pingIntervalMs=5"], /--limit: expected NAME=NUMBER with NAME one of helloMaxBytes, /],
    ["no value", ["helloMaxBytes="], /--limit: expected NAME=NUMBER/],
    ["zero", ["frameBurst=0"], /--limit: frameBurst must be a whole number of at least 1/],
    ["a negative number", ["frameBurst=-1"], /--limit: expected NAME=NUMBER/],
  ])("refuses %s, naming the option", (_name, limit, message) => {
    expect(() => parseConfig({ limit }, {}, CWD)).toThrow(message);
  });
});

describe("checkTransport: plain HTTP only on loopback", () => {
  it.each([
    ["127.0.0.1", null, false, true],
    ["::1", null, false, true],
    ["localhost", null, false, true],
    ["0.0.0.0", null, false, false],
    ["10.0.0.5", null, false, false],
    ["compliance.wegroup.example", null, false, false],
    ["0.0.0.0", { certFile: "c", keyFile: "k" }, false, true],
    ["0.0.0.0", null, true, true],
  ] as const)("%s, tls %o, --allow-insecure-http %s → served: %s", (host, tls, allowInsecureHttp, served) => {
    const check = () => checkTransport({ listen: { host, port: 8080 }, tls, allowInsecureHttp });
    if (served) expect(check).not.toThrow();
    else expect(check).toThrow(ConfigError);
  });

  it("names the flag that allows it", () => {
    expect(() => checkTransport({ listen: { host: "0.0.0.0", port: 8080 }, tls: null, allowInsecureHttp: false })).toThrow(
      /refusing to serve plain HTTP on 0\.0\.0\.0.*--tls-cert and --tls-key, or --allow-insecure-http/,
    );
  });

  it("reads --allow-insecure-http and COMPLIANCE_ALLOW_INSECURE_HTTP", () => {
    expect(parseConfig({ allowInsecureHttp: true }, {}, CWD).allowInsecureHttp).toBe(true);
    expect(parseConfig({}, { COMPLIANCE_ALLOW_INSECURE_HTTP: "1" }, CWD).allowInsecureHttp).toBe(true);
    expect(parseConfig({}, {}, CWD).allowInsecureHttp).toBe(false);
  });
});

describe("--trust-proxy", () => {
  it("takes addresses and CIDR ranges, IPv4 and IPv6, from the command line or COMPLIANCE_TRUST_PROXY", () => {
    expect(parseTrustedProxies(" 10.0.0.5, 10.1.0.0/16,::1 ,fd00::/8")).toEqual(["10.0.0.5", "10.1.0.0/16", "::1", "fd00::/8"]);
    expect(parseConfig({ trustProxy: "10.0.0.5" }, { COMPLIANCE_TRUST_PROXY: "10.0.0.6" }, "/srv").trustedProxies).toEqual(["10.0.0.5"]);
    expect(parseConfig({}, { COMPLIANCE_TRUST_PROXY: "10.0.0.6" }, "/srv").trustedProxies).toEqual(["10.0.0.6"]);
    expect(parseConfig({}, {}, "/srv").trustedProxies).toEqual([]);
  });

  it.each(["lb.example.com", "10.0.0.0/33", "10.0.0.1/8/8", "::1/129", "10.0.0"])("refuses %s, naming it and what is expected", (bad) => {
    expect(() => parseTrustedProxies(bad)).toThrow(
      new RegExp(`--trust-proxy: "${bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}" is not an IP address or CIDR range`),
    );
  });
});
