import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { accountsByName, parsePasswd } from "./passwd.js";

describe("parsePasswd", () => {
  const passwd =
    "root:x:0:0:root:/root:/bin/bash\n+::::::\nann:x:1000:1000:Ann,,,:/srv/ann/:/bin/zsh\n# a comment\n-bob::::::\nann:x:1001:1001::/elsewhere:/bin/sh\n";

  it("parses /etc/passwd in file order, skipping NIS compat lines and comments", () => {
    expect(parsePasswd(passwd, "/etc/passwd")).toEqual([
      { name: "root", uid: 0, home: "/root", shell: "/bin/bash" },
      { name: "ann", uid: 1000, home: "/srv/ann/", shell: "/bin/zsh" },
      { name: "ann", uid: 1001, home: "/elsewhere", shell: "/bin/sh" },
    ]);
  });

  it("looks accounts up by name, the first line winning", () => {
    expect(accountsByName(parsePasswd(passwd, "/etc/passwd"))).toEqual(
      new Map([
        ["root", { uid: 0, home: "/root" }],
        ["ann", { uid: 1000, home: "/srv/ann/" }],
      ]),
    );
  });

  it.each([
    ["ann:x:1000\n", "line 1 has 3 fields, expected 7"],
    ["root:x:0:0::/root:/bin/sh\nalice:x:abc:1000::/home/alice:/bin/bash\n", 'line 2: uid "abc" is not a number'],
    [":x:1000:1000::/home/x:/bin/sh\n", "line 1: no account name"],
  ])("throws a ParseError naming the line for %j", (text, message) => {
    expect(() => parsePasswd(text, "/etc/passwd")).toThrow(ParseError);
    expect(() => parsePasswd(text, "/etc/passwd")).toThrow(message);
  });
});
