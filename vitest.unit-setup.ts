// The unit tier's guard: a unit test runs in milliseconds because it touches no process, no socket and
// no database. One that tries is refused here with where it belongs, instead of slowing every run.
import { createRequire, syncBuiltinESMExports } from "node:module";

const require = createRequire(import.meta.url);

function refuse(what: string): never {
  throw new Error(`a unit test may not ${what}: move the test into an integration/ folder (see vitest.config.ts)`);
}

const childProcess = require("node:child_process") as Record<string, unknown>;
for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
  childProcess[name] = () => refuse(`start a process (child_process.${name})`);
}
// Every client (pg, ws, fetch) connects through net.Socket, every server listens through net.Server.
const net = require("node:net") as typeof import("node:net");
net.Socket.prototype.connect = () => refuse("open a network connection");
net.Server.prototype.listen = () => refuse("listen on a socket");
// ESM imports of node:child_process see the replaced functions too.
syncBuiltinESMExports();
// server/src/testing/databases.ts reads this: SQLite needs no socket, so the guard above does not catch it.
process.env.COMPLIANCE_TEST_TIER = "unit";
