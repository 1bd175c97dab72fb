// Reads and pushes race: a GET issued before a change can answer after the
// change's push arrived. Every change to a pool bumps its version, so the
// screen only ever moves forward.
import type { Pool } from "./types";

export function isNewer(candidate: Partial<Pool>, current: Pick<Pool, "version">): boolean {
  return candidate.version === undefined || candidate.version >= current.version;
}
