import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { parsePasswd } from "./passwd.js";

describe("parsePasswd", () => {
  const passwd = "root:x:0:0:root:/root:/bin/bash\n+::::::\nann:x:1000:1000:Ann,,,:/srv/ann/:/bin/zsh\n";

  it("parses /etc/passwd, skipping NIS compat lines", () => {
    expect(parsePasswd(passwd, "/etc/passwd")).toEqual(
      new Map([
        ["root", { uid: 0, home: "/root" }],
        ["ann", { uid: 1000, home: "/srv/ann/" }],
      ]),
    );
    expect(() => parsePasswd("ann:x:1000\n", "/etc/passwd")).toThrow(ParseError);
  });
});
