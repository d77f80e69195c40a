// A revoked token's open live feed closes: revoked through the API (this instance or another), or from the admin CLI.
import { TokenCreated } from "@wegroup/shared";
import { EventSource } from "eventsource";
import { afterEach, describe, expect, it } from "vitest";
import { runAdminTask } from "../cli/admin-run.js";
import type { Tuning } from "../config.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { FeedClient } from "../testing/feed-client.js";
import { TestServer } from "../testing/harness.js";

const servers: TestServer[] = [];
const feeds: FeedClient[] = [];
const databases: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  for (const f of feeds.splice(0)) f.close();
  await Promise.all(databases.splice(0).map((d) => d.dispose()));
});

async function start(tuning: Partial<Tuning> = {}, database?: TestDatabase): Promise<TestServer> {
  const server = await TestServer.start({ tuning, ...(database === undefined ? {} : { database: database.target }) });
  servers.push(server);
  return server;
}

async function viewerToken(server: TestServer): Promise<{ id: string; token: string }> {
  const created = TokenCreated.parse(
    (await server.request("POST", "/api/v1/tokens", { token: server.adminToken, body: { name: "soc-wall", role: "viewer" } })).body,
  );
  return { id: created.id, token: created.token };
}

async function openFeed(server: TestServer, token: string): Promise<FeedClient> {
  const client = new FeedClient(server.url, { token });
  feeds.push(client);
  await client.opened();
  return client;
}

describe("revoking a token closes its open live feed", () => {
  it("at once when revoked through the API, refusing the reconnect, and leaves other tokens' streams open", async () => {
    const server = await start({ tokenRecheckMs: 600_000 });
    const viewer = await viewerToken(server);
    const revoked = await openFeed(server, viewer.token);
    const other = await openFeed(server, server.adminToken);
    expect((await server.request("DELETE", `/api/v1/tokens/${viewer.id}`, { token: server.adminToken })).status).toBe(204);
    await revoked.closedForGood(5_000);
    expect(revoked.errors.some((e) => e.startsWith("401"))).toBe(true);
    expect(other.source.readyState).toBe(EventSource.OPEN);
    expect(server.logs.some((l) => l.includes("live-feed streams of a token that is revoked closed"))).toBe(true);
  });

  it("within the re-check interval when revoked from the admin CLI (another process cannot reach the server on SQLite)", async () => {
    const server = await start({ tokenRecheckMs: 200 });
    const viewer = await viewerToken(server);
    const revoked = await openFeed(server, viewer.token);
    await runAdminTask({ kind: "tokens-revoke", id: viewer.id }, server.server.config, { out: () => {}, note: () => {} });
    await revoked.closedForGood(5_000);
  });

  it.each(TEST_DATABASES.filter((d) => d.name === "postgres").map((d) => [d.name, d] as const))(
    "on another instance on %s, at once",
    async (_name, kind) => {
      const database = await kind.create();
      databases.push(database);
      // A long re-check interval: only the cross-instance notification can close it in time.
      const a = await start({ tokenRecheckMs: 600_000 }, database);
      const b = await start({ tokenRecheckMs: 600_000 }, database);
      const viewer = await viewerToken(a);
      const onB = await openFeed(b, viewer.token);
      expect((await a.request("DELETE", `/api/v1/tokens/${viewer.id}`, { token: a.adminToken })).status).toBe(204);
      await onB.closedForGood(5_000);
    },
  );
});
