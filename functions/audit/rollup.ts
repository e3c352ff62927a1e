import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { accountDocPath } from '../schema/paths';
import { isAlreadyExists, isInvalidArgument } from '../adapters/firestoreErrors';
import { auditWindowRef, dayRef } from './compaction';
import { withoutActor, type RollupPlan } from './rollupPlan';

export type RollupOutcome = 'counted' | 'counted_without_actor' | 'duplicate';

type Nested = { [key: string]: Nested | FieldValue | string | number };

/**
 * `set(..., {merge: true})` takes object keys literally (no dot-path parsing), so encoded keys
 * become exactly one map entry each.
 */
function nestedWrite(plan: RollupPlan): Nested {
  const root: Nested = { day: plan.day, shard: plan.shard };
  const put = (path: readonly string[], value: FieldValue | string) => {
    let node = root;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Nested;
    node[path[path.length - 1]] = value;
  };
  for (const path of plan.increments) put(path, FieldValue.increment(1));
  for (const { path, value } of plan.values) put(path, value);
  return root;
}

async function commit(db: Firestore, accountId: string, plan: RollupPlan): Promise<void> {
  const shardRef = db.doc(accountDocPath(accountId, 'auditRollups', plan.docId));
  // The marker's create() and the increments commit together or not at all: a redelivery fails
  // on the existing marker and changes nothing. Blind writes (no reads) keep a hot shard free of
  // transaction contention.
  const batch = db
    .batch()
    .create(shardRef.collection('deliveries').doc(plan.markerId), {
      deliveredAt: FieldValue.serverTimestamp(),
      expireAt: plan.markerExpiresAt,
    })
    .set(shardRef, nestedWrite(plan), { merge: true });
  // A closed day's documents stop being exact: its compacted day and the window summing it.
  if (plan.reopensDay) {
    batch.delete(dayRef(db, accountId, plan.day));
    batch.delete(auditWindowRef(db, accountId));
  }
  await batch.commit();
}

/** Applies one event's plan to its shard; duplicates are recognised, oversize shards degrade. */
export async function applyRollup(
  db: Firestore,
  accountId: string,
  plan: RollupPlan,
): Promise<RollupOutcome> {
  try {
    await commit(db, accountId, plan);
    return 'counted';
  } catch (error) {
    if (isAlreadyExists(error)) return 'duplicate';
    // INVALID_ARGUMENT here means the shard document would pass Firestore's 1 MiB limit (the plan
    // itself is well-formed): keep counting, without growing the actor map further.
    if (!isInvalidArgument(error) || plan.actorKey === undefined) throw error;
  }
  try {
    await commit(db, accountId, withoutActor(plan));
    return 'counted_without_actor';
  } catch (error) {
    if (isAlreadyExists(error)) return 'duplicate';
    throw error;
  }
}
