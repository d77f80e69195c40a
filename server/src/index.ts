// The central server as a library: what the end-to-end tests and the benchmark start in-process.
export { boot, type BootOptions, type RunningServer } from "./server.js";
export { parseConfig, type Config, type CliOptions, type Tuning, ConfigError, DEFAULT_TUNING } from "./config.js";
export { main } from "./main.js";
