// Which hosts a plain-text connection (http://, ws://) may go to: only this machine's loopback, where nothing crosses a network.

/**
 * True for names and addresses that can only reach this machine: `localhost` (and `*.localhost`, RFC 6761),
 * 127.0.0.0/8, `::1` and their IPv4-mapped form. Anything else — a LAN address, 0.0.0.0, a DNS name — is not:
 * a name could resolve anywhere, and a wildcard address listens on every interface.
 */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  if (h.endsWith(".")) h = h.slice(0, -1);
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  const mapped = /^(?:0{0,4}:){0,4}:?(?:0{0,4}:)?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(h);
  if (mapped?.[1] !== undefined) h = mapped[1];
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4 !== null) return v4.slice(1).every((p) => Number(p) <= 255) && Number(v4[1]) === 127;
  return isIpv6Loopback(h);
}

/** `::1` in any spelling: every group zero but the last, which is 1. */
function isIpv6Loopback(h: string): boolean {
  if (!/^[0-9a-f:]+$/.test(h) || !h.includes(":")) return false;
  const halves = h.split("::");
  if (halves.length > 2) return false;
  const groups = (part: string | undefined): string[] => (part === undefined || part === "" ? [] : part.split(":"));
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return false;
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill("0"), ...tail];
  if (all.some((g) => g.length === 0 || g.length > 4)) return false;
  return all.slice(0, 7).every((g) => Number.parseInt(g, 16) === 0) && Number.parseInt(all[7] ?? "", 16) === 1;
}
