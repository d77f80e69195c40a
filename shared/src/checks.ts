// The check identifiers the agent runs and the server records violations for.
import { z } from "zod";

/** Checks the agent evaluates on the device. */
export const AgentCheckId = z.enum(["screen-lock", "usb-storage", "software"]);
export type AgentCheckId = z.infer<typeof AgentCheckId>;

/** Every check a violation can belong to: the agent's plus the server's own `agent-silent`. */
export const CheckId = z.enum(["screen-lock", "usb-storage", "software", "agent-silent"]);
export type CheckId = z.infer<typeof CheckId>;

export const Platform = z.enum(["linux", "darwin", "win32"]);
export type Platform = z.infer<typeof Platform>;
