// The one error a parser throws: it names the source and what it did not expect.

export class ParseError extends Error {
  constructor(
    /** The command or file the text came from, e.g. `lsblk -J`. */
    readonly source: string,
    readonly detail: string,
  ) {
    super(`cannot parse ${source}: ${detail}`);
    this.name = "ParseError";
  }
}
