// Herd control: a server that closes every agent connection at once (a restart) tells them when to come back, so that
// a fleet spreads its reconnects over a window it can take, instead of every agent retrying into a closed port.

/** When to reconnect: at a uniformly random moment in [minMs, maxMs] after the close. */
export interface ReconnectWindow {
  minMs: number;
  maxMs: number;
}

/** No window longer than this is believed (a close reason is text; a typo must not park a fleet for an hour). */
export const MAX_RECONNECT_WINDOW_MS = 5 * 60_000;

/** Agents a server takes back a second, for sizing the window (this 2-core machine: ~1,900 a second with signed hellos, npm run bench connect-all). */
export const RECONNECTS_PER_SECOND = 2_000;

/** The window a server closing `connections` agents announces: from `restartMs` (when it may listen again), spread over what it can take. */
export function reconnectWindowFor(connections: number, restartMs = 1_000): ReconnectWindow {
  const spread = Math.ceil((connections / RECONNECTS_PER_SECOND) * 1_000);
  return { minMs: restartMs, maxMs: Math.min(MAX_RECONNECT_WINDOW_MS, restartMs + Math.max(1_000, spread)) };
}

/** The close reason carrying a window (a WebSocket close reason holds at most 123 bytes: this stays far below). */
export function reconnectReason(text: string, window: ReconnectWindow): string {
  return `${text} (reconnect in ${window.minMs}-${window.maxMs} ms)`;
}

/** The window a close reason announces, or undefined (no window, or one that makes no sense). */
export function parseReconnectWindow(reason: string): ReconnectWindow | undefined {
  const m = /\(reconnect in (\d{1,9})-(\d{1,9}) ms\)$/.exec(reason);
  if (m === null) return undefined;
  const minMs = Number(m[1]);
  const maxMs = Number(m[2]);
  if (minMs > maxMs || maxMs > MAX_RECONNECT_WINDOW_MS) return undefined;
  return { minMs, maxMs };
}

/** A moment in the window, uniformly at random. */
export function delayInWindow(window: ReconnectWindow, random: () => number): number {
  return Math.round(window.minMs + random() * (window.maxMs - window.minMs));
}
