// The agent's boundaries, fuzzed: server frames (and the delivery decisions they drive), policy documents, patterns, bundles replayed through every check.
import { readFileSync } from "node:fs";
import { Bundle, CheckResult, DEFAULT_POLICY, Policy, patternMatches, patternProblem, type ServerFrame } from "@wegroup/shared";
import fc from "fast-check";
import { title, titleFacts } from "../testing/titles.js";
import { describe, expect, it } from "vitest";
import { runChecks } from "../checks/engine.js";
import { CHECKS } from "../checks/registry.js";
import { evaluateSoftware } from "../checks/software/evaluate.js";
import type { SoftwareFacts } from "../checks/software/facts.js";
import { ReplayRunner } from "../runner/replay.js";
import { FIXTURES_DIR } from "../testing/fixtures.js";
import { fuzz, fuzzAsync, mangledTexts, mutatedJson } from "../testing/fuzz.js";
import { type DeliveryState, onAck, onConnected, onQueued, onRefusal, onTick, onWelcome } from "./delivery.js";
import { IDLE, onPolicyDone, onPolicyFrame } from "./policy-order.js";
import { decodeServerFrame } from "./server-frames.js";

const ID = "0190f3c2-7c1a-7000-8000-000000000001";
const VALID_FRAMES: ServerFrame[] = [
  { type: "welcome", deviceId: "device-0001", serverTime: "2025-03-01T10:00:00.000Z", heartbeatSeconds: 60, policyVersion: 3 },
  { type: "ack", id: ID },
  { type: "error", code: "unavailable", message: "the database cannot store data right now", ref: ID },
  { type: "error", code: "invalid_frame", message: "results[0].subject: must not contain the NUL character (U+0000)", ref: ID },
  { type: "policy", policy: DEFAULT_POLICY },
];

/** What a server (or anyone in between) could send: near-valid frames, any JSON, any text, any bytes. */
const serverBytes: fc.Arbitrary<{ data: Buffer; binary: boolean }> = fc.oneof(
  fc
    .constantFrom(...VALID_FRAMES)
    .chain((f) => mutatedJson(f))
    .map((v) => ({ data: Buffer.from(JSON.stringify(v) ?? "null"), binary: false })),
  fc.jsonValue().map((v) => ({ data: Buffer.from(JSON.stringify(v) ?? "null"), binary: false })),
  fc.string({ unit: "binary", maxLength: 200 }).map((s) => ({ data: Buffer.from(s), binary: false })),
  fc.tuple(fc.uint8Array({ maxLength: 200 }), fc.boolean()).map(([b, binary]) => ({ data: Buffer.from(b), binary })),
);

const SOFTWARE_FACTS: SoftwareFacts = titleFacts([
  title("nmap", {
    versions: ["7.93+dfsg1-1"],
    sources: ["dpkg"],
    ids: ["nmap", "nmap-common"],
    identity: { origin: "deb.debian.org/debian" },
  }),
  title("firefox-esr", { versions: ["115.5.0esr-1"], sources: ["dpkg"], identity: { origin: "deb.debian.org/debian" } }),
  title("Wireshark", { versions: ["4.2.0"], bundleId: "org.wireshark.Wireshark", identity: { teamId: "7Z6EMTD2C6" } }),
  title("AnyDesk", { versions: ["8.0.5"], sources: ["registry"], declaredPublisher: "AnyDesk Software GmbH" }),
]);

describe("server frames on the agent (fuzz)", () => {
  it("decodes any bytes into a valid frame or a reason, and the delivery decisions take every frame it accepts", () => {
    fuzz(
      "agent: server frames + delivery decisions",
      fc.tuple(fc.array(serverBytes, { minLength: 1, maxLength: 8 }), fc.nat(100_000)),
      ([messages, now]) => {
        const queued = [ID, "0190f3c2-7c1a-7000-8000-000000000002"];
        let state: DeliveryState = onQueued(onConnected(), ID).state;
        let policies = IDLE;
        for (const { data, binary } of messages) {
          const decoded = decodeServerFrame(data, binary);
          if (!decoded.ok) {
            expect(typeof decoded.detail).toBe("string");
            continue;
          }
          const frame = decoded.frame;
          const step =
            frame.type === "welcome"
              ? onWelcome(state, queued)
              : frame.type === "ack"
                ? onAck(state, frame.id)
                : frame.type === "error"
                  ? onRefusal(state, frame, frame.ref !== undefined && queued.includes(frame.ref), now, () => 0.5)
                  : undefined;
          if (frame.type === "policy") {
            const next = onPolicyFrame(policies, frame.policy);
            policies = next.apply !== undefined ? onPolicyDone(next.queue).queue : next.queue;
          }
          if (step === undefined) continue;
          state = onTick(step.state, queued, now + 120_000).state;
          for (const id of state.sent) expect(queued).toContain(id);
          for (const action of step.actions) if (action.kind === "send") for (const id of action.ids) expect(queued).toContain(id);
        }
      },
    );
  });
});

describe("policy documents (fuzz)", () => {
  it("refuses a damaged policy with a reason, and a policy it accepts can be evaluated", () => {
    const documents = fc.oneof(
      mutatedJson(DEFAULT_POLICY),
      mutatedJson({ version: 2, screenLock: {}, usbStorage: {}, software: { deny: [{ name: "nmap" }] } }),
      fc.jsonValue(),
    );
    fuzz("agent: policy documents", documents, (doc) => {
      const parsed = Policy.safeParse(doc);
      if (!parsed.success) return;
      const policy = parsed.data;
      expect(Policy.safeParse(JSON.parse(JSON.stringify(policy))).success).toBe(true);
      expect(CheckResult.safeParse(evaluateSoftware(SOFTWARE_FACTS, policy.software)).success).toBe(true);
    });
  });
});

describe("patterns (fuzz)", () => {
  // At scale this found picomatch backtracking ("*a" × 14 + "*b" against 30 × "a" took 4.4 s); the linear matcher takes any count of wildcards.
  it("matches any valid pattern against any name without throwing", () => {
    const text = fc.string({ unit: "grapheme", maxLength: 40 });
    const pattern = fc.oneof(text, fc.stringMatching(/^[*?\\[\]{}()!+@a-z.-]{0,40}$/)).filter((p) => patternProblem(p) === undefined);
    fuzz("shared: patterns", fc.tuple(pattern, text), ([p, v]) => {
      expect(typeof patternMatches(p, v)).toBe("boolean");
    });
  });
});

describe("bundles replayed through every check (fuzz)", () => {
  const demos = ["demo-linux.json", "demo-mac.json", "demo-windows.json"].map(
    (name) =>
      JSON.parse(readFileSync(`${FIXTURES_DIR}bundles/${name}`, "utf8")) as {
        commands: { stdout: string }[];
        files: { content?: string }[];
      },
  );
  const outputs = demos
    .flatMap((d) => [...d.commands.map((c) => c.stdout), ...d.files.map((f) => f.content ?? "")])
    .filter((t) => t.length > 0);

  /** A demo bundle with one command output or file mangled, or a damaged field anywhere. */
  const bundles = fc.oneof(
    fc.tuple(fc.constantFrom(...demos), fc.nat(), mangledTexts(outputs)).map(([demo, at, text]) => {
      const copy = structuredClone(demo);
      const slots = copy.commands.length + copy.files.length;
      const i = at % slots;
      if (i < copy.commands.length) (copy.commands[i] as { stdout: string }).stdout = text;
      else (copy.files[i - copy.commands.length] as { content?: string }).content = text;
      return copy;
    }),
    fc.constantFrom(...demos).chain((d) => mutatedJson(d)),
  );

  it("validates any bundle document and replays every one it accepts", async () => {
    await fuzzAsync("agent: bundle documents (schema + replay runner)", fc.oneof(bundles, fc.jsonValue()), async (doc) => {
      const parsed = Bundle.safeParse(doc);
      if (!parsed.success) return;
      const runner = new ReplayRunner(parsed.data);
      for (const c of parsed.data.commands.slice(0, 3)) expect((await runner.run(c.argv)).argv).toEqual(c.argv);
    });
  });

  it("answers every check as pass, fail or unknown on a damaged bundle (a whole check run per case)", async () => {
    await fuzzAsync(
      "agent: bundles through every check",
      bundles,
      async (doc) => {
        const parsed = Bundle.safeParse(doc);
        if (!parsed.success) return;
        const results = await runChecks(CHECKS, new ReplayRunner(parsed.data), DEFAULT_POLICY);
        for (const result of results) expect(CheckResult.safeParse(result).success).toBe(true);
      },
      30,
      0.01,
    );
  });
});
