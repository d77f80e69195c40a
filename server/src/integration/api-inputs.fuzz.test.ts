// API bodies, queries and path parameters, fuzzed: every route's schemas refuse with a 400 that names the field or accept what the store can hold; over real HTTP, nothing answers 500.
import { AppError, DEFAULT_POLICY, ErrorBody, isStorableText } from "@wegroup/shared";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rewriteDocument, textNeedles, userMatcher } from "../privacy/names.js";
import { TestServer } from "../testing/harness.js";
import { fuzz, fuzzAsync, mutatedJson, NASTY, stringsOf } from "@wegroup/shared/testing";
import { ROUTE_SPECS as ROUTES, type RouteSpec } from "../api/catalogue.js";
import { parseInput } from "../api/route.js";

type Part = "params" | "query" | "body";

/** A valid input per route and part, to mutate (a route not listed here is fuzzed from `{}`). */
const EXAMPLES: Record<string, unknown> = {
  "POST /api/v1/enroll body": { secret: "s", hostname: "laptop-1", os: "linux", hardwareId: "hw-1" },
  "GET /api/v1/violations query": {
    status: "open",
    device: "d",
    check: "usb-storage",
    subject: "s",
    since: "2025-01-01T00:00:00Z",
    until: "2026-01-01T00:00:00Z",
    limit: "50",
    cursor: "c",
  },
  "GET /api/v1/violations/stream query": { token: "t", lastEventId: "5" },
  "PUT /api/v1/policy body": DEFAULT_POLICY,
  "POST /api/v1/policy/preview body": DEFAULT_POLICY,
  "GET /api/v1/policy/history/{version} params": { version: "1" },
  "GET /api/v1/devices query": { status: "offline", os: "linux", q: "lt-" },
  "GET /api/v1/policy/history query": { limit: "10" },
  "POST /api/v1/exemptions body": {
    device: "*",
    check: "usb-storage",
    subject: "4C530001",
    reason: "backup disk",
    approvedBy: "CISO",
    expiresAt: "2030-01-01T00:00:00Z",
  },
  "GET /api/v1/exemptions query": { status: "active", device: "d" },
  "POST /api/v1/tokens body": { name: "siem", role: "viewer" },
  "GET /api/v1/audit query": { action: "policy.update", limit: "5" },
  "GET /api/v1/privacy/export query": { user: "alice" },
  "POST /api/v1/privacy/erase body": { user: "alice" },
};

const INPUTS: { spec: RouteSpec; part: Part }[] = ROUTES.flatMap((spec) =>
  (["params", "query", "body"] as const).filter((part) => spec[part] !== undefined).map((part) => ({ spec, part })),
);
const key = (spec: RouteSpec, part: Part) => `${spec.method} ${spec.path} ${part}`;
const exampleOf = (spec: RouteSpec, part: Part) =>
  EXAMPLES[key(spec, part)] ?? (part === "params" ? { id: "0190f3c2-7c1a-7000-8000-000000000001" } : {});

/** An input for one route part: its example gone slightly wrong, or anything at all. */
const inputFor = (spec: RouteSpec, part: Part): fc.Arbitrary<unknown> =>
  fc.oneof(mutatedJson(exampleOf(spec, part)), NASTY, fc.dictionary(fc.string({ maxLength: 10 }), NASTY, { maxKeys: 4 }));

/** Every UTF-8 byte percent-encoded (encodeURIComponent throws on a lone surrogate; a client may still send its bytes). */
const percentEncode = (text: string): string => [...Buffer.from(text, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");

const SAMPLE_REPORT = {
  results: [
    {
      check: "screen-lock",
      status: "fail",
      violations: [{ subject: "alice", message: "The screen of alice never locks (/home/alice/x)", observed: "o", expected: "e" }],
    },
  ],
};

describe("API inputs (fuzz)", () => {
  it.each(INPUTS.map((i) => [key(i.spec, i.part), i] as const))(
    "%s: a 400 naming the field, or an input the store can hold",
    (name, { spec, part }) => {
      const schema = spec[part];
      if (schema === undefined) throw new Error(`no schema for ${name}`);
      fuzz(`server: API ${name}`, inputFor(spec, part), (value) => {
        let accepted: unknown;
        try {
          accepted = parseInput(schema, value, part);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe("bad_request");
          expect((error as AppError).message).toMatch(new RegExp(`^invalid ${part}: `));
          return;
        }
        for (const s of stringsOf(accepted)) expect(isStorableText(s), JSON.stringify(s)).toBe(true);
        // A user name to export or erase becomes patterns and SQL needles: any accepted name must work as one.
        const user = (accepted as { user?: unknown }).user;
        if (typeof user === "string") {
          expect(textNeedles(user).length).toBeGreaterThan(0);
          rewriteDocument(SAMPLE_REPORT, userMatcher(user), "erased-user-0");
        }
      });
    },
  );
});

describe("API over real HTTP (fuzz)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ tuning: { enrollBurst: 1_000_000, enrollPerMinute: 1_000_000 } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const http = fc
    .constantFrom(...INPUTS.filter((i) => i.spec.path !== "/api/v1/agent" && i.spec.path !== "/api/v1/violations/stream"))
    .chain(({ spec, part }) => inputFor(spec, part).map((value) => ({ spec, part, value })));

  it("never answers 500, and answers every refusal with the error shape", async () => {
    await fuzzAsync(
      "server: API over HTTP",
      http,
      async ({ spec, part, value }) => {
        let path = spec.path.replace(
          "{id}",
          percentEncode(
            part === "params" && value !== null && typeof value === "object"
              ? String(((value as { id?: unknown }).id as string | undefined) ?? "x")
              : "0190f3c2-7c1a-7000-8000-000000000001",
          ),
        );
        if (part === "query" && value !== null && typeof value === "object" && !Array.isArray(value)) {
          const q = new URLSearchParams();
          for (const [k, v] of Object.entries(value)) q.append(k, typeof v === "string" ? v : (JSON.stringify(v) ?? ""));
          path += `?${q.toString()}`;
        }
        const answer = await server.request(spec.method, path, {
          token: server.adminToken,
          ...(part === "body" ? { rawBody: JSON.stringify(value) ?? "null", headers: { "content-type": "application/json" } } : {}),
        });
        const what = `${spec.method} ${path} ${JSON.stringify(value)?.slice(0, 300)} → ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`;
        expect(answer.status, what).toBeLessThan(500);
        if (answer.status >= 400) expect(ErrorBody.safeParse(answer.body).success, what).toBe(true);
      },
      300,
      0.01,
    );
  });
});
