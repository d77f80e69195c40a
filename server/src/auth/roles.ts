// The API roles and their order: an admin may do whatever a viewer may.
import type { Role } from "@wegroup/shared";

const RANK: Readonly<Record<Role, number>> = { viewer: 1, admin: 2 };

export function roleSatisfies(held: Role, needed: Role): boolean {
  return RANK[held] >= RANK[needed];
}
