// The largest message a WebSocket takes, changeable per connection: small until the hello is in, then the protocol's maximum.
import type { WebSocket } from "ws";

interface ReceiverWithLimit {
  _maxPayload: number;
}

/**
 * `ws` checks each frame's declared length against its receiver's limit before buffering the payload, so an
 * oversized first frame is refused (close 1009) after its header, not after 4 MiB have arrived. `ws` sets that
 * limit once per server; this adjusts it on one connection. It reaches into `ws` internals, so it answers false
 * when they are not as expected (then the caller's own length check is the only guard) — a test pins it.
 */
export function setMessageLimit(ws: WebSocket, bytes: number): boolean {
  const receiver = (ws as unknown as { _receiver?: Partial<ReceiverWithLimit> | null })._receiver;
  if (receiver === undefined || receiver === null || typeof receiver._maxPayload !== "number") return false;
  receiver._maxPayload = bytes;
  return true;
}
