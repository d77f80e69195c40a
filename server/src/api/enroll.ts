// POST /api/v1/enroll: the enrollment secret buys a new device record with its own credential (shown once, stored hashed) bound to the agent's key.
import { AppError, EnrollRequest, EnrollResponse } from "@wegroup/shared";
import type { FastifyReply, FastifyRequest } from "fastify";
import { parseDevicePublicKey } from "../auth/device-proof.js";
import { checkEnrollSecret } from "../auth/secret-rotation.js";
import { hashSecret, randomSecret } from "../auth/secrets.js";
import { enrollAudited } from "../devices/enroll.js";
import { defineRoute } from "./route.js";

export const ENROLL_PATH = "/api/v1/enroll";

export const enroll = defineRoute(
  {
    method: "POST",
    path: ENROLL_PATH,
    access: "enroll-secret",
    operationId: "enroll",
    tags: ["agents"],
    summary: "trade the enrollment secret for this device's credential (shown once, stored hashed); rate-limited",
    body: EnrollRequest,
    ok: { status: 200, schema: EnrollResponse },
    errors: [400, 401, 413, 429],
  },
  (deps) => {
    // Before the body is read: wrong secrets and garbage bodies use up the budget, and a refused request costs no parsing.
    const admit = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const admission = deps.enrollLimiter.take(req.ip);
      if (admission.ok) return;
      void reply.header("retry-after", String(admission.retryAfterSeconds));
      req.log.warn({ limit: "enrollPerMinute", retryAfterSeconds: admission.retryAfterSeconds }, "enrollment rate limit hit");
      throw new AppError("rate_limited", `too many enrollment attempts from ${req.ip}; retry in ${admission.retryAfterSeconds} s`);
    };
    return {
      extras: { onRequest: admit, bodyLimit: deps.enrollBodyLimitBytes },
      handle: async ({ body, req }) => {
        const now = deps.clock.now();
        const secret = await checkEnrollSecret(deps.store.db, body.secret, now);
        if (secret === "wrong") {
          req.log.warn("enrollment with a wrong secret");
          throw new AppError("unauthorized", "wrong enrollment secret");
        }
        if (body.publicKey !== undefined && parseDevicePublicKey(body.publicKey) === undefined) {
          throw new AppError("bad_request", "invalid body: publicKey: not an Ed25519 public key (SPKI DER, base64url)");
        }
        const credential = randomSecret();
        const enrolled = await enrollAudited(deps.store.db, {
          newId: deps.newId(),
          hardwareId: body.hardwareId,
          hostname: body.hostname,
          os: body.os,
          credentialHash: hashSecret(credential),
          now: now.toISOString(),
          publicKey: body.publicKey,
        });
        const log = { deviceId: enrolled.deviceId, os: body.os, withKey: body.publicKey !== undefined, secret };
        if (enrolled.reEnrollmentOf !== null) {
          // The earlier device keeps its credential and its connection: this may be a reinstall, or someone claiming to be it.
          req.log.warn(
            { ...log, reEnrollmentOf: enrolled.reEnrollmentOf },
            "known hardware id enrolled again: new device record flagged as a re-enrollment",
          );
          await deps.deviceNotices
            .announce({
              kind: "re-enrolled",
              at: now.toISOString(),
              deviceId: enrolled.deviceId,
              hostname: body.hostname,
              os: body.os,
              reEnrollmentOf: enrolled.reEnrollmentOf,
            })
            .catch((error: unknown) =>
              req.log.warn({ err: error }, "could not announce the re-enrollment on the live feed (it is audited)"),
            );
        } else req.log.info(log, "device enrolled");
        return { deviceId: enrolled.deviceId, credential };
      },
    };
  },
);
