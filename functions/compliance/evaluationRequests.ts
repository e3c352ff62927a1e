import * as logger from 'firebase-functions/logger';
import type { Deps } from '../app/deps';
import { isAlreadyExists } from '../adapters/firestoreErrors';
import { parseDocument } from '../schema/common';
import { controlEvaluationStateSchema, type ControlEvaluationState } from '../schema/compliance';
import { accountDocPath } from '../schema/paths';

/**
 * Evidence writes ask for a re-evaluation of the account's controls (CONTRACT §4: the compliance
 * routes reflect evidence written 60 s before). Writes come in bursts (a member import, a key
 * rotation), so they coalesce: the first write takes a lease and evaluates, and runs again while
 * newer writes arrived meanwhile; the others only record that evidence changed. A burst of any
 * size costs about two evaluations.
 */
/** A lease older than this belongs to a run that died; the next write takes it over. */
export const EVALUATION_LEASE_MS = 120_000;
/** Runs one lease holder makes at most; a later write takes the lease again. */
export const MAX_EVALUATION_RUNS = 5;

const stateRef = (deps: Pick<Deps, 'db'>, accountId: string) =>
  deps.db.doc(accountDocPath(accountId, 'controlEvaluation', 'state'));

function parseState(path: string, data: unknown): ControlEvaluationState | null {
  if (data === undefined) return null;
  const parsed = parseDocument(controlEvaluationStateSchema, path, data);
  if (parsed.ok) return parsed.value;
  logger.warn('malformed control evaluation state replaced', {
    path,
    problem: parsed.error.message,
  });
  return null;
}

/**
 * An account whose controls were evaluated once (daily run or explicit POST) is re-evaluated on
 * evidence writes from then on; one never evaluated waits for the daily run.
 */
export async function enableEvaluationOnWrite(deps: Pick<Deps, 'db' | 'now'>, accountId: string) {
  try {
    await stateRef(deps, accountId).create({ requestedAt: deps.now(), runningSince: null });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

/** Records the request; true when this caller took the lease and must run the evaluation. */
async function recordRequest(deps: Pick<Deps, 'db' | 'now'>, accountId: string): Promise<boolean> {
  const ref = stateRef(deps, accountId);
  return deps.db.runTransaction(async (tx) => {
    const now = deps.now();
    const snapshot = await tx.get(ref);
    if (!snapshot.exists) return false;
    const state = parseState(ref.path, snapshot.data());
    const running = state?.runningSince;
    const leaseHeld = running != null && now.getTime() - running.getTime() < EVALUATION_LEASE_MS;
    tx.set(ref, { requestedAt: now, runningSince: leaseHeld ? running : now });
    return !leaseHeld;
  });
}

/** After a run that started at `startedAt`: true (lease kept) when evidence changed since. */
async function releaseOrContinue(
  deps: Pick<Deps, 'db' | 'now'>,
  accountId: string,
  startedAt: Date,
  lastRun: boolean,
): Promise<boolean> {
  const ref = stateRef(deps, accountId);
  return deps.db.runTransaction(async (tx) => {
    const state = parseState(ref.path, (await tx.get(ref)).data());
    const changed = state !== null && state.requestedAt.getTime() > startedAt.getTime();
    const again = changed && !lastRun;
    // A change that this holder may not run any more is left requested for the next writer.
    tx.set(ref, {
      requestedAt: state?.requestedAt ?? startedAt,
      runningSince: again ? deps.now() : null,
    });
    return again;
  });
}

/**
 * Called by the evidence-write triggers. `evaluate` is the account's evaluation (injected, so the
 * coalescing is tested apart from the control tests).
 */
export async function requestEvaluation(
  deps: Pick<Deps, 'db' | 'now'>,
  accountId: string,
  evaluate: () => Promise<unknown>,
): Promise<{ runs: number }> {
  // Most writes land in accounts whose evaluation is not enabled: one plain read, no transaction.
  if (!(await stateRef(deps, accountId).get()).exists) return { runs: 0 };
  if (!(await recordRequest(deps, accountId))) return { runs: 0 };
  let runs = 0;
  for (;;) {
    const startedAt = deps.now();
    runs++;
    let failure: { error: unknown } | undefined;
    try {
      await evaluate();
    } catch (error) {
      failure = { error };
    }
    // Released even when the run failed, so the next write can try again.
    const lastRun = failure !== undefined || runs >= MAX_EVALUATION_RUNS;
    const again = await releaseOrContinue(deps, accountId, startedAt, lastRun);
    if (failure) throw failure.error;
    if (!again) break;
  }
  return { runs };
}
