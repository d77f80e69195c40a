import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, LazyChildLogger, redactQuery } from "./logger.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n"))
        if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe("logger", () => {
  it("redacts secrets by configuration wherever they sit", () => {
    const { lines, stream } = capture();
    const log = createLogger("info", stream);
    log.info({ credential: "c-123", secret: "s-123", token: "t-123", body: { secret: "s-456", credential: "c-456" } }, "enroll");
    log.info({ req: { headers: { authorization: "Bearer t-789", host: "x" } } }, "request");
    log.child({ deviceId: "dev-1" }).info({ frame: { credential: "c-999" } }, "hello");
    const text = JSON.stringify(lines);
    for (const secret of ["c-123", "s-123", "t-123", "s-456", "c-456", "t-789", "c-999"]) expect(text).not.toContain(secret);
    expect(lines[1]).toMatchObject({ req: { headers: { authorization: "[redacted]", host: "x" } } });
    expect(lines[2]).toMatchObject({ deviceId: "dev-1", frame: { credential: "[redacted]" } });
  });

  it("keeps hostnames and user names out of the log by configuration", () => {
    const { lines, stream } = capture();
    const log = createLogger("info", stream);
    log.info({ deviceId: "dev-1", hostname: "alice-laptop", os: "linux" }, "device enrolled");
    log.info({ target: { user: "Ölafsdóttir", hostname: "bob-pc" } }, "nested");
    const text = JSON.stringify(lines);
    for (const personal of ["alice-laptop", "Ölafsdóttir", "bob-pc"]) expect(text).not.toContain(personal);
    expect(lines[0]).toMatchObject({ deviceId: "dev-1", hostname: "[redacted]", os: "linux" });
  });

  it.each([
    ["/api/v1/privacy/export?user=%C3%96lafsd%C3%B3ttir", "/api/v1/privacy/export?user=[redacted]"],
    ["/api/v1/violations/stream?token=abc&lastEventId=7", "/api/v1/violations/stream?token=[redacted]&lastEventId=7"],
    ["/api/v1/violations?status=open&subject=bob&limit=5", "/api/v1/violations?status=open&subject=[redacted]&limit=5"],
    ["/api/v1/devices", "/api/v1/devices"],
  ])("logs %s as %s", (url, logged) => {
    expect(redactQuery(url)).toBe(logged);
  });
});

describe("LazyChildLogger", () => {
  it("makes its child on the first line at an enabled level, not for lines below the level", () => {
    const { lines, stream } = capture();
    const parent = createLogger("info", stream);
    let children = 0;
    const child = parent.child.bind(parent);
    parent.child = ((...args: Parameters<typeof child>) => {
      children++;
      return child(...args);
    }) as typeof parent.child;
    const log = new LazyChildLogger(parent, { conn: 7, remote: "127.0.0.1" });
    log.debug({ reportId: "r-1" }, "report acknowledged");
    expect(children).toBe(0);
    log.info({ code: 1008 }, "closing agent connection");
    log.warn({ code: 1 }, "again");
    expect(children).toBe(1);
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, conn: 7, remote: "127.0.0.1", code: 1008, msg: "closing agent connection" }),
      expect.objectContaining({ level: 40, conn: 7, remote: "127.0.0.1", code: 1, msg: "again" }),
    ]);
  });

  it("adds bindings for the lines from then on, and redacts through them as the logger does", () => {
    const { lines, stream } = capture();
    const log = new LazyChildLogger(createLogger("info", stream), { conn: 1 });
    log.info({}, "before hello");
    log.bind({ deviceId: "dev-1" });
    log.error({ frame: { credential: "c-1" }, hostname: "alice-laptop" }, "after hello");
    expect(lines[0]).toMatchObject({ conn: 1, msg: "before hello" });
    expect(lines[0]?.deviceId).toBeUndefined();
    expect(lines[1]).toMatchObject({ conn: 1, deviceId: "dev-1", frame: { credential: "[redacted]" }, hostname: "[redacted]" });
  });
});
