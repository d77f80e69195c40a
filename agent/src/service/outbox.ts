// The durable outbox: a report is on disk (fsynced) before it is sent and deleted only after the server's ack.
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { ReportFrame } from "@wegroup/shared";
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
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    const names = (await readdir(this.options.dir)).sort();
    for (const name of names) {
      const path = join(this.options.dir, name);
      if (name.endsWith(".tmp")) {
        this.options.logger.warn({ file: name }, "outbox: skipping a report whose write was interrupted (torn record)");
        await rm(path, { force: true });
        continue;
      }
      if (!name.endsWith(".json")) continue;
      const report = await this.readReport(path);
      if (report === undefined) await this.quarantine(name);
      else this.queue.set(report.id, report);
    }
    if (this.queue.size > 0) this.options.logger.info({ queued: this.queue.size }, "outbox: reports waiting for delivery");
  }

  private async readReport(path: string): Promise<ReportFrame | undefined> {
    try {
      const parsed = ReportFrame.safeParse(JSON.parse(await readFile(path, "utf8")));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** A damaged record is moved aside (never deleted: it may be evidence) and the agent carries on. */
  private async quarantine(name: string): Promise<void> {
    const aside = `${this.options.dir}.corrupt`;
    await mkdir(aside, { recursive: true, mode: 0o700 });
    await rename(join(this.options.dir, name), join(aside, name));
    await syncDir(this.options.dir);
    this.options.logger.warn({ file: name, movedTo: aside }, "outbox: a damaged report was moved aside");
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
    if (excess > 0) this.options.logger.warn({ dropped: Math.min(excess, superseded.length), queued: this.queue.size }, "outbox: compacted superseded reports");
  }
}
