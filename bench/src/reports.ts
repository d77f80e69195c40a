// The report frames simulated agents send, built like the real agent's: steady full state, feed probes, storm probes.
import type { CheckResult, ReportFrame } from "@wegroup/shared";

/** What a typical device reports as its full state: lock and USB fine, two prohibited tools installed (a stable violation set). */
export const STEADY_RESULTS: readonly CheckResult[] = [
  { check: "screen-lock", status: "pass", violations: [] },
  { check: "usb-storage", status: "pass", violations: [] },
  {
    check: "software",
    status: "fail",
    violations: [
      {
        subject: "nmap",
        message: "nmap 7.94+git20230807.3be01efb1+dfsg-3build2 (dpkg) is prohibited: port scanner (rule nmap)",
        observed: "nmap 7.94+git20230807.3be01efb1+dfsg-3build2 (dpkg)",
        expected: "not installed (port scanner)",
        rule: "nmap",
      },
      {
        subject: "wireshark",
        message: "wireshark 4.2.2-1.1build3 (dpkg) is prohibited: network sniffer (rule wireshark)",
        observed: "wireshark 4.2.2-1.1build3 (dpkg)",
        expected: "not installed (network sniffer)",
        rule: "wireshark",
      },
    ],
  },
];

/** A screen-lock failure whose subject names this probe, so that its "opened" event on the feed can be matched to it. */
export function feedOpenResults(subject: string): CheckResult[] {
  return [
    {
      check: "screen-lock",
      status: "fail",
      violations: [
        {
          subject,
          message: "the screen locks after 1800 s of inactivity; at most 900 s is allowed",
          observed: "1800 s",
          expected: "≤ 900 s",
        },
      ],
    },
  ];
}

export const FEED_CLOSE_RESULTS: readonly CheckResult[] = [{ check: "screen-lock", status: "pass", violations: [] }];

/** A USB failure whose subject is unique per report: each stored report opens exactly one violation, which the API can count. */
export function stormResults(subject: string): CheckResult[] {
  return [
    {
      check: "usb-storage",
      status: "fail",
      violations: [
        {
          subject,
          message: "USB mass-storage device attached (SanDisk Cruzer Blade)",
          observed: "0781:5567 mounted at /media/usb",
          expected: "no USB mass storage",
        },
      ],
    },
  ];
}

export function reportFrame(id: string, observedAt: Date, policyVersion: number, results: readonly CheckResult[]): ReportFrame {
  return { type: "report", id, observedAt: observedAt.toISOString(), policyVersion, results: [...results] };
}

export const STORM_PREFIX = "storm-";
export const FEED_PREFIX = "feed-";
