// Builders of agent frames for tests: valid by default, overridable where a test needs it to be wrong.
import type { CheckResult, CheckViolation, HelloFrame, ReportFrame } from "@wegroup/shared";
import { PROTOCOL_VERSION, uuidv7 } from "@wegroup/shared";

export function helloFrame(deviceId: string, credential: string, over: Partial<HelloFrame> = {}): HelloFrame {
  return {
    type: "hello",
    protocol: PROTOCOL_VERSION,
    deviceId,
    credential,
    agentVersion: "0.1.0-test",
    policyVersion: 0,
    device: {
      hostname: "test-laptop",
      platform: "linux",
      osName: "Debian GNU/Linux",
      osVersion: "12",
      arch: "x64",
      agentVersion: "0.1.0-test",
    },
    ...over,
  };
}

export const usbViolation = (serial: string): CheckViolation => ({
  subject: serial,
  message: `USB mass storage ${serial} is attached`,
  observed: `SanDisk Ultra (0781:5581) serial ${serial}`,
  expected: "no USB mass storage",
});

export const usbFail = (...serials: string[]): CheckResult => ({
  check: "usb-storage",
  status: "fail",
  violations: serials.map(usbViolation),
});
export const usbPass = (): CheckResult => ({ check: "usb-storage", status: "pass", violations: [] });

export function reportFrame(results: CheckResult[], over: Partial<ReportFrame> = {}): ReportFrame {
  return { type: "report", id: uuidv7(), observedAt: new Date().toISOString(), policyVersion: 1, results, ...over };
}
