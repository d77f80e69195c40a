import { describe, expect, it } from "vitest";
import { fakeRunner } from "../../testing/fake-runner.js";
import { HomeDirectories } from "./collect.linux.homes.js";

describe("home directories", () => {
  const passwd = "root:x:0:0:root:/root:/bin/bash\n+::::::\nann:x:1000:1000:Ann,,,:/srv/ann/:/bin/zsh\n";

  it.each([
    [{ "/etc/passwd": passwd }, "ann", "/srv/ann"],
    [{ "/etc/passwd": passwd }, "bob", "/home/bob"],
    [{}, "root", "/root"],
    [{ "/etc/passwd": "garbage\n" }, "ann", "/home/ann"],
  ])("finds the home of a user (%#)", async (files, user, home) => {
    expect(await new HomeDirectories(fakeRunner("linux", [], files)).of(user)).toBe(home);
  });
});
