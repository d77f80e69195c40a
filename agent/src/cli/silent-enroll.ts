// Silent enrollment at service start: a device without a credential enrolls itself from the configuration
// an installer or MDM left (see state/enroll-config.ts), then the secret is removed from that file.
import type { Logger } from "pino";
import type { Platform } from "@wegroup/shared";
import type { StatePaths } from "../config.js";
import { enrollConfigSources, forgetEnrollSecret, loadEnrollConfig } from "../state/enroll-config.js";
import { loadEnrollment, type Enrollment } from "../state/enrollment.js";
import { enrollCommand } from "./enroll.js";
import { CliError } from "./errors.js";

/** The enrollment made from the configuration, or undefined when there is none to use. */
export async function enrollSilently(
  platform: Platform,
  env: NodeJS.ProcessEnv,
  paths: StatePaths,
  logger: Logger,
  replay: string | undefined,
): Promise<Enrollment | undefined> {
  let config;
  try {
    config = await loadEnrollConfig(enrollConfigSources(platform, env));
  } catch (error) {
    throw new CliError("bad_request", `${(error as Error).message}`);
  }
  if (config === undefined) return undefined;
  logger.info({ server: config.server, from: config.source.path }, "not enrolled yet: enrolling with the installer's configuration");
  await enrollCommand(
    {
      server: config.server,
      secret: config.secret,
      ...(config.ca !== undefined ? { ca: config.ca } : {}),
      ...(replay !== undefined ? { replay } : {}),
    },
    paths,
    (line) => logger.info(line),
    () => new Date(),
  );
  try {
    await forgetEnrollSecret(config.source);
  } catch (error) {
    logger.warn(
      { err: (error as Error).message, file: config.source.path },
      "enrolled, but the enrollment secret could not be removed from its file; delete it by hand",
    );
  }
  return loadEnrollment(paths.enrollment);
}
