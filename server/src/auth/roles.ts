// The API roles and their order: security may do whatever a viewer may, and an admin whatever security may.
import type { Role } from "@wegroup/shared";

const RANK: Readonly<Record<Role, number>> = { viewer: 1, security: 2, admin: 3 };

export function roleSatisfies(held: Role, needed: Role): boolean {
  return RANK[held] >= RANK[needed];
}
