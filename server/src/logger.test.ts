import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
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
});
