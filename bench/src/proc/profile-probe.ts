// Preloaded (`node --import`) into the server when --profile is on: samples its CPU from the start and writes the profile on SIGUSR2,
// so that a profile exists even when the process is later killed (node --cpu-prof writes only on a clean exit).
import { Session } from "node:inspector/promises";
import { renameSync, writeFileSync } from "node:fs";

const file = process.env.BENCH_CPU_PROFILE_FILE;
if (file !== undefined && file !== "") {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  // The same interval as node --cpu-prof.
  await session.post("Profiler.setSamplingInterval", { interval: 1000 });
  await session.post("Profiler.start");
  process.on("SIGUSR2", () => {
    void session.post("Profiler.stop").then(({ profile }) => {
      // Whole or not at all: the bench waits for the file to appear.
      writeFileSync(`${file}.partial`, JSON.stringify(profile));
      renameSync(`${file}.partial`, file);
    });
  });
}
