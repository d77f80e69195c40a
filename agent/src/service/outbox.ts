// The durable outbox: a report is on disk (fsynced) before it is sent and deleted only after the server's ack.
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { AppError, describeZodError, ReportFrame } from "@wegroup/shared";
import type { Logger } from "pino";
import { syncDir, writeFileDurably } from "../state/files.js";

export interface OutboxOptions {
  dir: string;
  /** Beyond this many queued reports, superseded ones are compacted away. */
  maxReports: number;
  logger: Logger;
}

/**
 * One file per report, named by its time-ordered id, so the directory listing is the queue. A crash
 * mid-write leaves a `.tmp` file that was never renamed (a torn record): it is skipped and removed.
 */
export class Outbox {
  private readonly queue = new Map<string, ReportFrame>();

  private constructor(private readonly options: OutboxOptions) {}

  static async open(options: OutboxOptions): Promise<Outbox> {
    const outbox = new Outbox(options);
    await outbox.load();
    return outbox;
  }

  get size(): number {
    return this.queue.size;
  }

  /** Queued reports, oldest first. */
  pending(): ReportFrame[] {
    return [...this.queue.values()];
  }

  get(id: string): ReportFrame | undefined {
    return this.queue.get(id);
  }

  async put(report: ReportFrame): Promise<void> {
    await writeFileDurably(this.pathOf(report.id), JSON.stringify(report), 0o600);
    this.queue.set(report.id, report);
    if (this.queue.size > this.options.maxReports) await this.compact();
  }

  /** The server acknowledged it: it is durably stored there, so it may go here. */
  async acknowledge(id: string): Promise<boolean> {
    if (!this.queue.delete(id)) return false;
    await rm(this.pathOf(id), { force: true });
    return true;
  }

  private pathOf(id: string): string {
    return join(this.options.dir, `${id}.json`);
  }

  private async load(): Promise<void> {
    let names: string[];
    try {
      await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
      names = (await readdir(this.options.dir)).sort();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new AppError(
        "forbidden",
        `cannot use the outbox ${this.options.dir} (${code}); run as root (Administrator on Windows) or fix the state dir's permissions`,
      );
    }
    for (const name of names) {
      const path = join(this.options.dir, name);
      if (name.endsWith(".tmp")) {
        this.options.logger.warn({ file: name }, "outbox: skipping a report whose write was interrupted (torn record)");
        await rm(path, { force: true });
        continue;
      }
      if (!name.endsWith(".json")) continue;
      const read = await this.readReport(path);
      if (read.ok) this.queue.set(read.report.id, read.report);
      else await this.quarantine(name, read.problem);
    }
    if (this.queue.size > 0) this.options.logger.info({ queued: this.queue.size }, "outbox: reports waiting for delivery");
  }

  private async readReport(path: string): Promise<{ ok: true; report: ReportFrame } | { ok: false; problem: string }> {
    try {
      const parsed = ReportFrame.safeParse(JSON.parse(await readFile(path, "utf8")));
      return parsed.success ? { ok: true, report: parsed.data } : { ok: false, problem: describeZodError(parsed.error) };
    } catch (error) {
      return { ok: false, problem: (error as Error).message };
    }
  }

  /** A damaged record is moved aside (never deleted: it may be evidence) and the agent carries on. */
  private async quarantine(name: string, problem: string): Promise<void> {
    const aside = `${this.options.dir}.corrupt`;
    const file = join(this.options.dir, name);
    await mkdir(aside, { recursive: true, mode: 0o700 });
    await rename(file, join(aside, name));
    await syncDir(this.options.dir);
    this.options.logger.warn(
      { file, movedTo: aside, problem },
      `outbox: the queued report ${file} is damaged (${problem}); it was moved to ${aside} for inspection and is not sent — the agent reports the current state at its next connection, so nothing is needed unless this repeats (then check the disk)`,
    );
  }

  /**
   * Keeps the queue bounded while the server is away: a report all of whose check results are
   * superseded by a newer queued report goes first. The newest state of every check always stays.
   */
  private async compact(): Promise<void> {
    const reports = this.pending();
    const newestFor = new Map<string, string>();
    for (const r of reports) for (const result of r.results) newestFor.set(result.check, r.id);
    const superseded = reports.filter((r) => r.results.every((result) => newestFor.get(result.check) !== r.id));
    const excess = this.queue.size - this.options.maxReports;
    for (const r of superseded.slice(0, Math.max(excess, 0))) {
      this.queue.delete(r.id);
      await rm(this.pathOf(r.id), { force: true });
    }
    if (excess > 0)
      this.options.logger.warn(
        { dropped: Math.min(excess, superseded.length), queued: this.queue.size },
        "outbox: compacted superseded reports",
      );
  }
}
