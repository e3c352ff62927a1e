import type { Deps } from '../app/deps';
import { parseSnapshot } from '../schema/common';
import { controlStateDocSchema, type ControlTestResult } from '../schema/compliance';
import { subcollectionPath } from '../schema/paths';
import { CONTROLS } from './controlCatalog';

/**
 * The compliance routes read what the evaluations stored (CONTRACT §4: reading never writes).
 * Evaluations run after evidence writes (requestEvaluation), daily, and on an explicit POST.
 */

const inconclusive = (controlId: string, detail: string, now: Date): ControlTestResult => ({
  controlId,
  status: 'inconclusive',
  measured: null,
  threshold: 'an evaluation of this control',
  detail,
  offenders: [],
  evidence: [],
  evaluatedAt: now.toISOString(),
});

const NOT_EVALUATED =
  'Not evaluated yet: evidence writes, the 04:00 UTC daily run and POST /api/compliance/evaluate evaluate it.';
const MALFORMED = 'The stored result is malformed (logged); the next evaluation replaces it.';

/** The latest stored result of each catalog control, in catalog order, and the oldest of them. */
export async function storedControlResults(
  deps: Pick<Deps, 'db' | 'now'>,
  accountId: string,
): Promise<{ results: ControlTestResult[]; evaluatedAt: Date | null }> {
  const now = deps.now();
  const snapshot = await deps.db.collection(subcollectionPath(accountId, 'controlResults')).get();
  const { docs, malformed } = parseSnapshot(controlStateDocSchema, snapshot.docs, {
    accountId,
    purpose: 'stored control results',
  });
  const stored = new Map<string, ControlTestResult | 'malformed'>([
    ...docs.map(({ id, value }) => [id, value.latest] as const),
    ...malformed.map(({ id }) => [id, 'malformed'] as const),
  ]);
  const results = CONTROLS.map((control) => {
    const found = stored.get(control.id);
    if (found === undefined) return inconclusive(control.id, NOT_EVALUATED, now);
    return found === 'malformed' ? inconclusive(control.id, MALFORMED, now) : found;
  });
  const times = [...stored.values()].flatMap((r) => (r === 'malformed' ? [] : [r.evaluatedAt]));
  const oldest = times.length > 0 ? new Date(Math.min(...times.map(Date.parse))) : null;
  return { results, evaluatedAt: oldest };
}
