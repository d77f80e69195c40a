import { AppError } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { compareDeviceKeys, decodeDeviceCursor, devicePage, type DeviceKey, encodeDeviceCursor } from "./page.js";

const key = (hostname: string, id: string): DeviceKey => ({ hostname, id });

/** Follows nextCursor from the first page to the end. */
function walk(items: readonly DeviceKey[], limit: number): DeviceKey[][] {
  const pages: DeviceKey[][] = [];
  let after: DeviceKey | undefined;
  for (;;) {
    const page = devicePage(items, after, limit);
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    after = decodeDeviceCursor(page.nextCursor);
  }
}

describe("device pages", () => {
  const fleet = [key("b", "2"), key("a", "9"), key("B", "1"), key("b", "1"), key("ä-host", "3"), key("", "4"), key("a", "10")];

  it("orders by hostname then id in code-unit order and visits every device once, whatever the page size", () => {
    const sorted = [...fleet].sort(compareDeviceKeys);
    expect(sorted.map((d) => `${d.hostname}/${d.id}`)).toEqual(["/4", "B/1", "a/10", "a/9", "b/1", "b/2", "ä-host/3"]);
    for (let limit = 1; limit <= fleet.length + 1; limit++) {
      const pages = walk(fleet, limit);
      expect(pages.flat()).toEqual(sorted);
      expect(pages.length).toBe(Math.max(1, Math.ceil(fleet.length / limit)));
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(limit);
    }
  });

  it("gives no next cursor on the last page, and an empty page for an empty fleet", () => {
    expect(devicePage(fleet, undefined, fleet.length).nextCursor).toBeNull();
    expect(devicePage([], undefined, 10)).toEqual({ items: [], nextCursor: null });
  });

  it("resumes after a device that has gone since the cursor was given out", () => {
    const first = devicePage(fleet, undefined, 2);
    const cursor = first.nextCursor ?? "";
    const gone = fleet.filter((d) => !(d.hostname === "B" && d.id === "1"));
    expect(devicePage(gone, decodeDeviceCursor(cursor), 2).items).toEqual([key("a", "10"), key("a", "9")]);
  });

  it("round-trips keys with quotes, colons and non-ASCII text", () => {
    for (const k of [key('we"ird:host', "id-1"), key("ноутбук", "x"), key("", "y")])
      expect(decodeDeviceCursor(encodeDeviceCursor(k))).toEqual(k);
  });

  it.each([
    ["not base64 of a cursor", "hello"],
    ["a violations cursor", Buffer.from("v1:0190e6c0-0000-7000-8000-000000000000").toString("base64url")],
    ["broken JSON", Buffer.from('d1:["a",').toString("base64url")],
    ["the wrong shape", Buffer.from('d1:{"hostname":"a","id":"b"}').toString("base64url")],
    ["an empty id", Buffer.from('d1:["a",""]').toString("base64url")],
    ["a number for the id", Buffer.from('d1:["a",1]').toString("base64url")],
  ])("refuses %s with a 400 naming the cursor", (_what, cursor) => {
    let thrown: unknown;
    try {
      decodeDeviceCursor(cursor);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe("bad_request");
    expect((thrown as AppError).message).toMatch(/cursor/);
  });
});
