// Which loopback source address a simulated agent uses: enrollment is rate-limited per client address, so the fleet spreads over 127.1.0.0/16.

/** Below the server's enrollment burst (10 per address), so that no agent waits for the bucket to refill. */
export const AGENTS_PER_ADDRESS = 8;

export function sourceAddress(agentIndex: number): string {
  const k = Math.floor(agentIndex / AGENTS_PER_ADDRESS) + 1;
  if (k > 65_000) throw new Error(`agent ${agentIndex}: no loopback source address left`);
  return `127.1.${(k >> 8) & 255}.${k & 255}`;
}
