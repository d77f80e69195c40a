import { AppError, IdParams, PolicyUpdate, ViolationQuery } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { fastifyPath, parseInput } from "./route.js";

const refusal = (run: () => unknown): AppError => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
};

describe("parseInput", () => {
  it.each([
    ["params", IdParams, { id: "" }, "invalid params: id"],
    ["query", ViolationQuery.strict(), { status: "bogus" }, "invalid query: status"],
    ["body", IdParams, { id: "x", extra: 1 }, "invalid body: "],
  ] as const)("labels a %s that does not validate, naming the field", (part, schema, value, message) => {
    const error = refusal(() => parseInput(schema, value, part));
    expect(error.code).toBe("bad_request");
    expect(error.message.startsWith(message)).toBe(true);
  });

  it("reads a missing query or params as empty (defaults apply) and a missing body as missing", () => {
    expect(parseInput(ViolationQuery.strict(), undefined, "query")).toEqual(ViolationQuery.strict().parse({}));
    expect(refusal(() => parseInput(IdParams, undefined, "params")).message).toMatch(/^invalid params: id/);
    expect(refusal(() => parseInput(IdParams, undefined, "body")).message).toMatch(/^invalid body: /);
  });

  it("answers a policy body that does not validate as invalid_policy, the message naming the field without a prefix", () => {
    const error = refusal(() =>
      parseInput(PolicyUpdate, { screenLock: {}, usbStorage: {}, software: {}, heartbeatSeconds: "often" }, "body", "invalid_policy"),
    );
    expect(error.code).toBe("invalid_policy");
    expect(error.message).toMatch(/^heartbeatSeconds/);
  });
});

describe("fastifyPath", () => {
  it.each([
    ["/api/v1/devices/{id}", "/api/v1/devices/:id"],
    ["/api/v1/policy/history", "/api/v1/policy/history"],
    ["/a/{x}/b/{y}", "/a/:x/b/:y"],
  ])("%s → %s", (openApi, fastify) => {
    expect(fastifyPath(openApi)).toBe(fastify);
  });
});
