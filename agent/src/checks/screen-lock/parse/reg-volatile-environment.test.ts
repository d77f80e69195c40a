import { describe, expect, it } from "vitest";
import { parseRegQuery } from "../../../platform/win32/reg-query.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseVolatileEnvironment } from "./reg-volatile-environment.js";

describe("parseVolatileEnvironment", () => {
  it("names the session's account from demo-user-console-session.derived.txt (constructed, see INDEX)", () => {
    const keys = parseRegQuery(fixtureText("windows/reg-volatile-environment/demo-user-console-session.derived.txt"), "x");
    expect(parseVolatileEnvironment(keys)).toEqual({ account: "WEGROUP\\demo.user" });
  });

  it.each([
    ["a key without USERNAME", "\nHKEY_USERS\\S-1-5-21-1-2-3-1001\\Volatile Environment\n    LOGONSERVER    REG_SZ    \\\\DC\n", {}],
    [
      "a local account without USERDOMAIN",
      "\nHKEY_USERS\\S-1-5-21-1-2-3-1001\\Volatile Environment\n    USERNAME    REG_SZ    kiosk\n",
      { account: "kiosk" },
    ],
    ["another key", "\nHKEY_USERS\\S-1-5-21-1-2-3-1001\\Environment\n    TEMP    REG_EXPAND_SZ    x\n", undefined],
  ])("reads %s", (_what, text, expected) => {
    expect(parseVolatileEnvironment(parseRegQuery(text, "x"))).toEqual(expected);
  });
});
