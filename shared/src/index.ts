// The shared contracts of agent and server: schemas, types inferred from them, and pure helpers.
export * from "./checks.js";
export * from "./errors.js";
export * from "./pattern.js";
export * from "./policy.js";
export * from "./default-policy.js";
export * from "./result.js";
export * from "./bundle.js";
export * from "./protocol.js";
export * from "./api.js";
export * from "./privacy.js";
export * from "./ids.js";
export * from "./transport.js";
export * from "./text.js";
export * from "./webhooks.js";
export * from "./reconnect.js";
