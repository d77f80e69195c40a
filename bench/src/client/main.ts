// Entry of a client process (forked by the bench): holds a share of the simulated agents and runs the commands it is sent.
import { serveRpc } from "../ipc.js";
import type { ClosedLoopArgs, InitArgs, PacedArgs, PayloadPrimeArgs, StormStartArgs } from "./commands.js";
import { Fleet } from "./fleet.js";

let fleet: Fleet | undefined;

function current(): Fleet {
  if (fleet === undefined) throw new Error("init first");
  return fleet;
}

serveRpc({
  init: async (args: InitArgs) => {
    fleet = await Fleet.create(args);
    return { agents: fleet.agents.length };
  },
  enroll: async (args: { concurrency: number }) => current().enroll(args.concurrency),
  connect: async (args: { concurrency: number; timeoutMs: number }) => current().connect(args.concurrency, args.timeoutMs),
  waitPolicy: async (args: { version: number; timeoutMs: number }) => current().waitPolicy(args.version, args.timeoutMs),
  closedLoop: async (args: ClosedLoopArgs) => current().closedLoop(args),
  payloadPrime: async (args: PayloadPrimeArgs) => current().payloadPrime(args),
  paced: async (args: PacedArgs) => current().paced(args),
  stormStart: async (args: StormStartArgs) => current().stormStart(args),
  stormStop: async (args: { timeoutMs: number }) => current().stormStop(args.timeoutMs),
  reconnectStatus: async (args: { after: number }) => current().reconnectStatus(args.after),
  waitReconnected: async (args: { after: number; timeoutMs: number }) => current().waitReconnected(args.after, args.timeoutMs),
  shutdown: async () => {
    fleet?.shutdown();
    setTimeout(() => process.exit(0), 100).unref();
    return {};
  },
});
