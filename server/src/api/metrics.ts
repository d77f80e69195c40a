// GET /metrics: the Prometheus text exposition of this instance, for a viewer token (or anyone with --metrics-public).
import { defineRoute } from "./route.js";

export const metrics = defineRoute(
  {
    method: "GET",
    path: "/metrics",
    access: "viewer",
    publicWhen: "metricsPublic",
    operationId: "metrics",
    tags: ["operations"],
    summary: "Prometheus metrics of this instance",
    description:
      "Text exposition: agents connected, hellos, reports stored and acked, ack latency, ingest batch size and commit time, live-feed clients, open violations by check, policy version, pushes and applied, webhook deliveries and failures, event-loop lag and process metrics. Needs a viewer token unless the server runs with --metrics-public.",
    ok: { status: 200, schema: null, contentType: "text/plain" },
    errors: [],
  },
  (deps) =>
    async ({ reply }) => {
      const text = await deps.metrics.exposition();
      return reply.header("content-type", deps.metrics.contentType).header("cache-control", "no-store").send(text);
    },
);
