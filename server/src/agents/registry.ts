// The agents connected to this instance, keyed by device id, with a broadcast that serialises a frame once.
import type { Policy, ServerFrame } from "@wegroup/shared";
import { encodeServerFrame } from "./frames.js";

/** What the registry needs of a connection. */
export interface AgentSession {
  readonly deviceId: string;
  sendBytes(bytes: Buffer): void;
  close(code: number, reason: string): void;
  /** A policy of this version was just sent to it. */
  notePolicySent(version: number): void;
}

export class AgentRegistry {
  #byDevice = new Map<string, AgentSession>();

  /** Registers a session; answers the one it replaced (the same device connected again). */
  add(session: AgentSession): AgentSession | undefined {
    const previous = this.#byDevice.get(session.deviceId);
    this.#byDevice.set(session.deviceId, session);
    return previous === session ? undefined : previous;
  }

  /** Removes the session unless a newer one of the same device has taken its place. */
  remove(session: AgentSession): void {
    if (this.#byDevice.get(session.deviceId) === session) this.#byDevice.delete(session.deviceId);
  }

  get(deviceId: string): AgentSession | undefined {
    return this.#byDevice.get(deviceId);
  }

  isConnected(deviceId: string): boolean {
    return this.#byDevice.has(deviceId);
  }

  get size(): number {
    return this.#byDevice.size;
  }

  sessions(): AgentSession[] {
    return [...this.#byDevice.values()];
  }

  /** Sends one frame to every connected agent; answers how many it went to. */
  broadcast(frame: ServerFrame): number {
    const bytes = encodeServerFrame(frame);
    let sent = 0;
    for (const session of this.#byDevice.values()) {
      session.sendBytes(bytes);
      sent++;
    }
    return sent;
  }

  /** Sends a policy to every connected agent, serialised once; answers the devices it went to. */
  pushPolicy(policy: Policy): string[] {
    const bytes = encodeServerFrame({ type: "policy", policy });
    const sentTo: string[] = [];
    for (const session of this.#byDevice.values()) {
      session.sendBytes(bytes);
      session.notePolicySent(policy.version);
      sentTo.push(session.deviceId);
    }
    return sentTo;
  }

  /** Ends the device's connection, e.g. because its credential was just revoked. */
  disconnect(deviceId: string, code: number, reason: string): boolean {
    const session = this.#byDevice.get(deviceId);
    if (session === undefined) return false;
    this.#byDevice.delete(deviceId);
    session.close(code, reason);
    return true;
  }
}
