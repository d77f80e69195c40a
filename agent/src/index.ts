// The agent as a library: the pieces the benchmark runs in-process (the program itself is bin/compliance-agent.js).
export { compilePolicy, evaluateSoftware } from "./checks/software/evaluate.js";
export type { InstalledPackage, SoftwareFacts, SoftwareTitle } from "./checks/software/facts.js";
export { backoffDelay, type BackoffOptions } from "./service/backoff.js";
export { type DeviceKey, newDeviceKey } from "./state/device-key.js";
