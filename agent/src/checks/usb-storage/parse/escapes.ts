// Undoes the `\xHH` and octal `\NNN` escapes util-linux, udev and the kernel put in names and paths.

/** `USB\x20DISK` -> `USB DISK`; runs of escaped bytes are decoded together, so escaped UTF-8 survives. */
export function unescapeHex(text: string): string {
  return text.replace(/(?:\\x[0-9a-fA-F]{2})+/g, (run) =>
    bytesToText(
      run
        .split("\\x")
        .slice(1)
        .map((h) => parseInt(h, 16)),
    ),
  );
}

/** `/media/My\040Stick` -> `/media/My Stick` (the kernel's escaping in /proc/mounts and mountinfo). */
export function unescapeOctal(text: string): string {
  return text.replace(/(?:\\[0-3][0-7]{2})+/g, (run) =>
    bytesToText(
      run
        .split("\\")
        .slice(1)
        .map((o) => parseInt(o, 8)),
    ),
  );
}

function bytesToText(bytes: number[]): string {
  return Buffer.from(bytes).toString("utf8");
}
