import { describe, expect, it } from "vitest";
import { nslogMessages } from "./nslog.js";

describe("nslogMessages", () => {
  it.each([
    [
      "a prefix on the message line",
      "2026-09-23 12:35:20.615 sysadminctl[69267:2988066] screenLock delay is 300 seconds\n",
      ["screenLock delay is 300 seconds"],
    ],
    [
      "a nine-digit thread id",
      "2026-08-19 22:17:55.934 sysadminctl[55361:106849336] screenLock delay is immediate\n",
      ["screenLock delay is immediate"],
    ],
    [
      "a prefix alone on its line (defaults)",
      "2026-09-23 12:35:20.603 defaults[69266:2988063] \nThe domain/default pair of (com.apple.screensaver, idleTime) does not exist\n",
      ["The domain/default pair of (com.apple.screensaver, idleTime) does not exist"],
    ],
    ["text without a prefix", "No receipt for 'x' found at '/'.\n", ["No receipt for 'x' found at '/'."]],
  ])("strips %s", (_name, text, expected) => {
    expect(nslogMessages(text)).toEqual(expected);
  });
});
