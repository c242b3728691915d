import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';

/**
 * What `secgate watch` remembers between evaluations and across restarts: the fingerprints
 * (secgate/v1) of every finding it has already evaluated, so actions fire only on new ones.
 * Written atomically after each evaluation; a restart reads it and carries on.
 */
export interface WatchState {
  v: 1;
  seen: string[];
  evaluations: number;
  lastEvaluation?: string;
}

/** Oldest fingerprints are forgotten past this many (a long-running watch must not grow without bound). */
export const MAX_SEEN = 200_000;

export function emptyState(): WatchState {
  return { v: 1, seen: [], evaluations: 0 };
}

export async function loadState(path: string): Promise<WatchState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw new ConfigError(`watch state ${path}: ${(e as Error).message}`, 'check the watch.state path');
  }
  try {
    const s = JSON.parse(text) as WatchState;
    if (s.v !== 1 || !Array.isArray(s.seen)) throw new Error('unknown layout');
    return { v: 1, seen: s.seen.filter((x) => typeof x === 'string'), evaluations: Number(s.evaluations) || 0, ...(s.lastEvaluation ? { lastEvaluation: s.lastEvaluation } : {}) };
  } catch (e) {
    // Starting over would re-run every action on every known finding: stop and say so instead.
    throw new ConfigError(`watch state ${path} is damaged (${(e as Error).message})`, 'delete it to start over (every current finding will count as new once)');
  }
}

export async function saveState(path: string, state: WatchState): Promise<void> {
  const seen = state.seen.length > MAX_SEEN ? state.seen.slice(state.seen.length - MAX_SEEN) : state.seen;
  await writeFileAtomic(path, `${JSON.stringify({ ...state, seen })}\n`);
}

/** The fingerprints not seen before, and the state after seeing `current` (order kept: oldest first). */
export function diffSeen(state: WatchState, current: readonly string[]): { fresh: Set<string>; next: string[] } {
  const known = new Set(state.seen);
  const fresh = new Set(current.filter((f) => !known.has(f)));
  return { fresh, next: [...state.seen, ...fresh] };
}
