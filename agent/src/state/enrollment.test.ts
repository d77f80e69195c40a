import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError } from "@wegroup/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insecureTransportProblem, loadEnrollment } from "./enrollment.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-enrollment-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadEnrollment", () => {
  it.each([
    [
      "truncated JSON",
      '{"serverUrl":"https://c.example","deviceId":"01',
      /is damaged \(not JSON: .+\)\. Enroll this device again: compliance-agent enroll --server URL --secret SECRET \(it replaces the file\)/,
    ],
    ["an empty file", "", /is damaged \(it is empty\)/],
    [
      "a field missing",
      '{"serverUrl":"https://c.example","credential":"xxxxxxxxxxxxxxxxxxxx","enrolledAt":"2026-01-01T00:00:00Z"}',
      /is damaged \(deviceId: .+\)/,
    ],
  ])("names the file and says to enroll again for %s", async (_name, content, message) => {
    const file = join(dir, "enrollment.json");
    await writeFile(file, content);
    const error = await loadEnrollment(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("not_enrolled");
    expect((error as AppError).message).toContain(`the enrollment file ${file} is damaged`);
    expect((error as AppError).message).toMatch(message);
  });
});

describe("insecureTransportProblem", () => {
  it.each([
    ["https://compliance.wegroup.example:8443", false],
    ["http://127.0.0.1:8080", false],
    ["http://localhost:8080", false],
    ["http://[::1]:8080", false],
    ["http://10.0.0.5:8080", true],
    ["http://compliance.wegroup.example", true],
    ["ws://192.168.1.2/api/v1/agent", true],
  ])("%s refused: %s", (url, refused) => {
    expect(insecureTransportProblem(url) !== undefined).toBe(refused);
  });
});
