// The HAProxy configuration the bench puts in front of several instances (and the README shows as the example): pure text.

export interface HaproxyBackend {
  name: string;
  host: string;
  port: number;
}

export interface HaproxyConfigOptions {
  /** Where agents, enrollment and the API connect. */
  bind: { host: string; port: number };
  backends: readonly HaproxyBackend[];
  /** Connections HAProxy accepts at once (each proxied one holds two file descriptors). */
  maxconn: number;
}

/**
 * HTTP mode (WebSocket upgrades pass through it; `timeout tunnel` governs an upgraded channel, which carries a
 * heartbeat a minute), least connections (a restarted instance fills first), `/healthz` checked every second
 * (an instance that stops taking writes answers 503 and gets no new agents), a connection refused by a dead
 * instance retried on another (`option redispatch`), no stats page.
 */
export function haproxyConfig(options: HaproxyConfigOptions): string {
  const { bind, backends, maxconn } = options;
  if (backends.length === 0) throw new Error("haproxyConfig: no backend");
  return [
    "global",
    `  maxconn ${maxconn}`,
    "",
    "defaults",
    "  mode http",
    "  option forwardfor",
    "  option redispatch",
    "  retries 3",
    "  timeout connect 5s",
    "  timeout client 75s",
    "  timeout server 75s",
    "  timeout tunnel 1h",
    "  timeout client-fin 5s",
    "  timeout http-request 15s",
    "  timeout queue 30s",
    "",
    "frontend compliance",
    `  bind ${bind.host}:${bind.port}`,
    `  maxconn ${maxconn}`,
    "  default_backend compliance-servers",
    "",
    "backend compliance-servers",
    "  balance leastconn",
    "  option httpchk GET /healthz",
    "  http-check expect status 200",
    "  default-server check inter 1s fastinter 250ms downinter 1s fall 2 rise 2",
    ...backends.map((b) => `  server ${b.name} ${b.host}:${b.port}`),
    "",
  ].join("\n");
}

/** File descriptors HAProxy keeps besides its proxied connections: listener, health checks, logs, a margin. */
export const HAPROXY_RESERVED_FDS = 100;

/** The most connections one HAProxy process can carry under an open-file limit (two descriptors each). */
export function haproxyMaxconn(openFileLimit: number): number {
  return Math.max(0, Math.floor((openFileLimit - HAPROXY_RESERVED_FDS) / 2));
}

/** Connections the bench itself opens through HAProxy besides its agents (API calls, the live feed). */
export const BENCH_OWN_CONNECTIONS = 50;
