// Pushed policies, one at a time and in order: while one is being applied, only the newest that arrived waits (a burst of pushes ends on the last). Pure.
import type { Policy } from "@wegroup/shared";

export interface PolicyQueue {
  readonly applying: boolean;
  /** The newest policy that arrived while another was being applied. */
  readonly waiting: Policy | undefined;
}

export const IDLE: PolicyQueue = Object.freeze({ applying: false, waiting: undefined });

export interface PolicyStep {
  queue: PolicyQueue;
  /** Apply this one now (nothing else is being applied). */
  apply?: Policy;
}

/** A policy frame arrived. */
export function onPolicyFrame(queue: PolicyQueue, policy: Policy): PolicyStep {
  if (queue.applying) return { queue: { applying: true, waiting: policy } };
  return { queue: { applying: true, waiting: undefined }, apply: policy };
}

/** The one being applied is done (applied, or refused): the newest waiting one goes next. */
export function onPolicyDone(queue: PolicyQueue): PolicyStep {
  if (queue.waiting === undefined) return { queue: IDLE };
  return { queue: { applying: true, waiting: undefined }, apply: queue.waiting };
}
