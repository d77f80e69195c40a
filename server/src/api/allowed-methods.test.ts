import { describe, expect, it } from "vitest";
import { allowedMethods } from "./allowed-methods.js";

const ROUTES = [
  { method: "GET", url: "/api/v1/policy" },
  { method: "HEAD", url: "/api/v1/policy" },
  { method: "PUT", url: "/api/v1/policy" },
  { method: "GET", url: "/api/v1/policy/history" },
  { method: "DELETE", url: "/api/v1/tokens/:id" },
  { method: "POST", url: "/api/v1/tokens" },
  { method: "GET", url: "/" },
];

describe("allowedMethods", () => {
  it.each<[string, string[]]>([
    ["/api/v1/policy", ["GET", "HEAD", "PUT"]],
    ["/api/v1/policy/history", ["GET"]],
    ["/api/v1/tokens/0190f3c2", ["DELETE"]],
    ["/api/v1/tokens", ["POST"]],
    ["/", ["GET"]],
    // A parameter takes one whole, non-empty segment; nothing else is a pattern.
    ["/api/v1/tokens/", []],
    ["/api/v1/tokens/a/b", []],
    ["/api/v1/policy/", []],
    ["/api/v1/nothing", []],
    ["/API/v1/policy", []],
  ])("%s → %j", (path, methods) => {
    expect(allowedMethods(ROUTES, path)).toEqual(methods);
  });

  it("names each method once, however many routes share it", () => {
    expect(allowedMethods([...ROUTES, { method: "get", url: "/api/v1/policy" }], "/api/v1/policy")).toEqual(["GET", "HEAD", "PUT"]);
  });
});
