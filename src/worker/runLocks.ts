// One Web Lock per run open in a tab ("sparsejepa-lab-run:<id>"), so the same run is never
// trained in two tabs at once. The page takes and holds them (src/store/tabs.ts); the worker only
// reads which are held, so the storage budget never evicts a run that some tab has open.
import type { RunId } from './protocol';

export const RUN_LOCK_PREFIX = 'sparsejepa-lab-run:';

export const runLockName = (id: RunId) => `${RUN_LOCK_PREFIX}${id}`;

/** The Web Locks API of this context, if it has one (workers and pages both may). */
export function lockManager(): LockManager | null {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return nav && 'locks' in nav && nav.locks ? nav.locks : null;
}

/** Ids of the runs some tab of this origin holds the lock of. */
export async function lockedRunIds(locks: LockManager | null = lockManager()): Promise<Set<RunId>> {
  if (!locks) return new Set();
  const { held = [] } = await locks.query();
  return new Set(held.map((l) => l.name ?? '').filter((n) => n.startsWith(RUN_LOCK_PREFIX)).map((n) => n.slice(RUN_LOCK_PREFIX.length)));
}
