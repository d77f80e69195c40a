// Decoding agent frames (bytes → validated AgentFrame or a coded error) and encoding server frames, once.
import {
  AgentFrame,
  describeZodError,
  type ErrorCode,
  type ErrorFrame,
  type ReportFrame,
  type ServerFrame,
  toStorableText,
} from "@wegroup/shared";

export type Decoded = { ok: true; frame: AgentFrame } | { ok: false; code: ErrorCode; message: string; ref?: string };

const MAX_MESSAGE = 2_000;

export function decodeAgentFrame(data: Buffer | ArrayBuffer | Buffer[]): Decoded {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    return invalid(`not a JSON frame: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = AgentFrame.safeParse(json);
  if (!parsed.success) return invalid(describeZodError(parsed.error), refOf(json));
  if (parsed.data.type === "report") {
    const problem = reportProblem(parsed.data);
    if (problem !== undefined) return invalid(problem, parsed.data.id);
  }
  return { ok: true, frame: parsed.data };
}

/** What the schema cannot say: a report must be coherent, or the state machine would act on nonsense. */
export function reportProblem(report: ReportFrame): string | undefined {
  const checks = new Set<string>();
  for (const [i, result] of report.results.entries()) {
    if (checks.has(result.check)) return `results[${i}].check: "${result.check}" appears twice in one report`;
    checks.add(result.check);
    if (result.status === "pass" && result.violations.length > 0) return `results[${i}].violations: a passing result lists no violations`;
    if (result.status === "fail" && result.violations.length === 0)
      return `results[${i}].violations: a failing result lists at least one violation`;
    if (result.status === "unknown" && result.violations.length > 0)
      return `results[${i}].violations: an unknown result lists no violations`;
  }
  if (Number.isNaN(Date.parse(report.observedAt))) return "observedAt: not a valid time";
  return undefined;
}

/** The message often quotes what the peer sent (a JSON parse error quotes its bytes): made storable text, cut at a code point, so that the agent's schema takes it. */
export function errorFrame(code: ErrorCode, message: string, ref?: string): ErrorFrame {
  const clean = toStorableText(message);
  const text = clean.length > MAX_MESSAGE ? `${toStorableText(clean.slice(0, MAX_MESSAGE - 1))}…` : clean;
  return ref === undefined ? { type: "error", code, message: text } : { type: "error", code, message: text, ref };
}

/** Serialised once; the same bytes go to every socket a broadcast reaches. */
export function encodeServerFrame(frame: ServerFrame): Buffer {
  return Buffer.from(JSON.stringify(frame), "utf8");
}

function invalid(message: string, ref?: string): Decoded {
  return ref === undefined ? { ok: false, code: "invalid_frame", message } : { ok: false, code: "invalid_frame", message, ref };
}

function refOf(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const id = (json as { id?: unknown }).id;
  return typeof id === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
}
