// Violation and device ids: UUIDv7 that also increase within one millisecond, so "newest first" is exact in one process.
import { randomFillSync } from "node:crypto";
import { uuidv7 } from "@wegroup/shared";
import type { Clock } from "./clock.js";

/**
 * RFC 9562 method 1: the 12-bit rand_a field counts ids made in the same millisecond; when it runs
 * out (4,096 ids in one ms) or the clock steps back, the timestamp is carried forward instead.
 */
export function monotonicIds(clock: Clock): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = clock.now().getTime();
    if (ms <= lastMs) {
      ms = lastMs;
      counter++;
      if (counter > 0xfff) {
        ms = lastMs + 1;
        counter = 0;
      }
    } else {
      counter = 0;
    }
    lastMs = ms;
    return uuidv7(ms, (bytes) => {
      randomFillSync(bytes);
      bytes[6] = (counter >> 8) & 0x0f;
      bytes[7] = counter & 0xff;
      return bytes;
    });
  };
}
