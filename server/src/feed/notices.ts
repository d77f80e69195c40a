// Device notices on the live feed: a re-enrollment, told to the feed clients of every instance (SSE `event: device`).
import { type DeviceNotice, DeviceNotice as DeviceNoticeSchema } from "@wegroup/shared";
import type { ClusterBus } from "../cluster/bus.js";
import type { Logger } from "../logger.js";
import type { FeedHub } from "./hub.js";

/** No `id:` line: a notice is not part of the resumable violation sequence and must not move Last-Event-ID. */
export function formatDeviceNotice(notice: DeviceNotice): string {
  return `event: device\ndata: ${JSON.stringify(notice)}\n\n`;
}

/**
 * Published through the cluster bus, which delivers to every instance, this one included: each writes it
 * to its own clients once. The durable record is the audit log (`device.re-enroll`).
 */
export class DeviceNotices {
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: { cluster: ClusterBus; feed: FeedHub; logger: Logger }) {}

  start(): void {
    this.#unsubscribe = this.deps.cluster.subscribe("device", (payload) => {
      let parsed;
      try {
        parsed = DeviceNoticeSchema.safeParse(JSON.parse(payload));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success !== true) {
        this.deps.logger.warn("ignored a device notice that does not validate");
        return;
      }
      this.deps.feed.broadcast(formatDeviceNotice(parsed.data));
    });
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  async announce(notice: DeviceNotice): Promise<void> {
    await this.deps.cluster.publish("device", JSON.stringify(notice));
  }
}
