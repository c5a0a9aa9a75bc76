/**
 * What the user wanted when linking started, carried through voice-forward linking as the kit's
 * connection-token state, so the demo can carry on once the account is linked.
 */
export type PendingAction = { then: 'welcome' } | { then: 'order'; destination?: string };

/** The pending action a resumed state names; undefined for anything else (the state is not trusted). */
export function pendingActionOf(state: unknown): PendingAction | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { then, destination } = state as { then?: unknown; destination?: unknown };
  if (then === 'welcome') return { then };
  if (then === 'order') return typeof destination === 'string' && destination.length <= 100 ? { then, destination } : { then };
  return undefined;
}
