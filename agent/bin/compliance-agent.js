#!/usr/bin/env node
// Entry point of `compliance-agent`; the program itself is built into dist/.
import { main } from "../dist/cli/main.js";

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // Output is flushed by a natural exit; a library handle left open (libusb) must not keep the CLI alive.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (error) => {
    process.stderr.write(`compliance-agent: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
