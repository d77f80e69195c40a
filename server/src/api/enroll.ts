// POST /api/v1/enroll: the enrollment secret buys a device its own credential, shown once and stored hashed.
import { AppError, EnrollRequest, type EnrollResponse, ERROR_TRANSPORT } from "@wegroup/shared";
import type { FastifyInstance } from "fastify";
import { hashSecret, randomSecret, secretMatches } from "../auth/secrets.js";
import { enrollDevice } from "../store/devices.js";
import type { ApiDeps } from "./deps.js";
import { parseInput } from "./errors.js";

export function enrollRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post("/api/v1/enroll", async (req, reply): Promise<EnrollResponse> => {
    // Counted before anything else, so that wrong secrets and garbage bodies use up the budget too.
    const admission = deps.enrollLimiter.take(req.ip);
    if (!admission.ok) {
      void reply.header("retry-after", String(admission.retryAfterSeconds));
      throw new AppError("rate_limited", `too many enrollment attempts from ${req.ip}; retry in ${admission.retryAfterSeconds} s`);
    }
    const body = parseInput(EnrollRequest, req.body, "body");
    if (!secretMatches(body.secret, deps.enrollSecretHash)) {
      req.log.warn({ hostname: body.hostname }, "enrollment with a wrong secret");
      throw new AppError("unauthorized", "wrong enrollment secret");
    }
    const credential = randomSecret();
    const { deviceId, reEnrolled } = await enrollDevice(deps.store.db, {
      newId: deps.newId(),
      hardwareId: body.hardwareId,
      hostname: body.hostname,
      os: body.os,
      credentialHash: hashSecret(credential),
      now: deps.clock.now().toISOString(),
    });
    // The old credential no longer opens anything: end a session that came in with it.
    if (reEnrolled) deps.registry.disconnect(deviceId, ERROR_TRANSPORT.unauthorized.ws, "credential revoked by a new enrollment");
    req.log.info({ deviceId, hostname: body.hostname, os: body.os, reEnrolled }, "device enrolled");
    return { deviceId, credential };
  });
}
