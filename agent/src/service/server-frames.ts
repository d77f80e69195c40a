// Decoding what the server sends (bytes → a validated ServerFrame, or why not): the agent's one boundary for server frames. Pure.
import { describeZodError, ServerFrame } from "@wegroup/shared";

export type DecodedServerFrame = { ok: true; frame: ServerFrame } | { ok: false; detail: string; raw: unknown };

export function decodeServerFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): DecodedServerFrame {
  if (isBinary) return { ok: false, detail: "binary frame", raw: undefined };
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch {
    return { ok: false, detail: "not JSON", raw: undefined };
  }
  const parsed = ServerFrame.safeParse(raw);
  return parsed.success ? { ok: true, frame: parsed.data } : { ok: false, detail: describeZodError(parsed.error), raw };
}
