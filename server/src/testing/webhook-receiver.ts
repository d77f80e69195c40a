// A real HTTP receiver for webhook tests: records every POST with its headers and raw body, and answers what the test tells it to.
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebhookPayload } from "@wegroup/shared";

export interface ReceivedDelivery {
  headers: http.IncomingHttpHeaders;
  body: string;
  payload: WebhookPayload;
  /** The status answered. */
  status: number;
  /** When it arrived (epoch ms). */
  at: number;
}

export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  /** Decides the status of each request (default 200). */
  answer: (request: { payload: WebhookPayload; count: number }) => number = () => 200;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const holder: { receiver?: WebhookReceiver } = {};
    const server = http.createServer((req, res) => {
      const at = Date.now();
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const payload = WebhookPayload.parse(JSON.parse(body));
        const r = holder.receiver!;
        const status = r.answer({ payload, count: r.received.length + 1 });
        r.received.push({ headers: req.headers, body, payload, status, at });
        res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "not now");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const receiver = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/compliance`);
    holder.receiver = receiver;
    return receiver;
  }

  /** The deliveries answered 2xx: what the SIEM accepted. */
  get accepted(): ReceivedDelivery[] {
    return this.received.filter((d) => d.status >= 200 && d.status < 300);
  }

  /** Checks each delivery's signature the way a SIEM would: HMAC-SHA256 of the raw body with the shared secret. */
  allSignedWith(secret: string): boolean {
    return this.received.every(
      (d) => d.headers["x-compliance-signature"] === `sha256=${createHmac("sha256", secret).update(d.body).digest("hex")}`,
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
