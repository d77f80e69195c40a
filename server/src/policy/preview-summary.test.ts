import type { PreviewResultFrame } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { summarizePreview } from "./preview-summary.js";

const frame = (over: Partial<PreviewResultFrame>): PreviewResultFrame => ({
  type: "preview-result",
  id: "p-00000001",
  opened: [],
  resolved: [],
  ...over,
});

describe("summarizePreview", () => {
  it("folds the answers by check and subject with their devices, the largest effect first, and counts who did not answer", () => {
    const out = summarizePreview(
      [
        { deviceId: "d2", hostname: "lt-b", frame: frame({ opened: [{ check: "software", subject: "wireshark", title: "Wireshark" }] }) },
        {
          deviceId: "d1",
          hostname: "lt-a",
          frame: frame({
            opened: [
              { check: "software", subject: "wireshark", title: "Wireshark" },
              { check: "usb-storage", subject: "SER-1" },
            ],
            resolved: [{ check: "software", subject: "nmap", title: "Nmap" }],
            omitted: 3,
          }),
        },
      ],
      5,
    );
    expect(out).toEqual({
      devices: 2,
      notPreviewed: 3,
      omitted: 3,
      opened: [
        {
          check: "software",
          subject: "wireshark",
          title: "Wireshark",
          devices: [
            { deviceId: "d1", hostname: "lt-a" },
            { deviceId: "d2", hostname: "lt-b" },
          ],
        },
        { check: "usb-storage", subject: "SER-1", title: "SER-1", devices: [{ deviceId: "d1", hostname: "lt-a" }] },
      ],
      resolved: [{ check: "software", subject: "nmap", title: "Nmap", devices: [{ deviceId: "d1", hostname: "lt-a" }] }],
    });
  });

  it("answers an empty preview when no agent is connected", () => {
    expect(summarizePreview([], 4)).toEqual({ devices: 0, notPreviewed: 4, opened: [], resolved: [] });
  });
});
