import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { parsePasswdUsers } from "./flatpak-users.js";

describe("local users for per-user Flatpak installations", () => {
  it("keeps people with a login shell and skips system accounts, nobody and NIS entries", () => {
    const passwd = [
      "root:x:0:0:root:/root:/bin/bash",
      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
      "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin",
      "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash",
      "bob:x:1001:1001::/home/bob/:/usr/bin/zsh",
      "svc:x:1002:1002::/srv/svc:/usr/sbin/nologin",
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
      "# a comment",
      "+@netgroup::::::",
      "",
    ].join("\n");
    expect(parsePasswdUsers(passwd)).toEqual([
      { user: "alice", uid: 1000, home: "/home/alice" },
      { user: "bob", uid: 1001, home: "/home/bob" },
    ]);
  });

  it("throws a ParseError on a line that is not a passwd entry", () => {
    expect(() => parsePasswdUsers("alice:x:1000\n")).toThrow(ParseError);
    expect(() => parsePasswdUsers("alice:x:abc:1000::/home/alice:/bin/bash\n")).toThrow(ParseError);
  });
});
