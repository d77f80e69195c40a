import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_RETENTION_DAYS, parseConfig, parseRetentionDays } from "../config.js";
import { retentionCutoff } from "./retention.js";

describe("the retention period", () => {
  it.each<[string | undefined, number]>([
    [undefined, DEFAULT_RETENTION_DAYS],
    ["30", 30],
    [" 365 ", 365],
    ["36500", 36_500],
  ])("reads %j as %d days", (value, days) => {
    expect(parseRetentionDays(value)).toBe(days);
  });

  it.each(["0", "-1", "1.5", "forever", "36501", "1e3"])("refuses %j with a message naming the option", (value) => {
    expect(() => parseRetentionDays(value)).toThrow(ConfigError);
    expect(() => parseRetentionDays(value)).toThrow(/--retention-days/);
  });

  it("takes the command line over the environment over the default", () => {
    expect(parseConfig({}, {}, "/").retentionDays).toBe(180);
    expect(parseConfig({}, { COMPLIANCE_RETENTION_DAYS: "90" }, "/").retentionDays).toBe(90);
    expect(parseConfig({ retentionDays: "7" }, { COMPLIANCE_RETENTION_DAYS: "90" }, "/").retentionDays).toBe(7);
  });

  it("cuts off whole days before now", () => {
    expect(retentionCutoff(new Date("2025-06-01T12:00:00.000Z"), 180)).toBe("2024-12-03T12:00:00.000Z");
  });
});
