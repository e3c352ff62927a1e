/** Helpers shared by the audit pipeline's emulator tests and benchmark. */
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { sumRollups, type RollupTotals } from '../../functions/audit/rollupMath';
import { rollupShardSchema, type RollupShard } from '../../functions/schema/audit';
import { subcollectionPath } from '../../functions/schema/paths';

/** Every rollup shard of an account (optionally of one day), parsed strictly. */
export async function rollupShards(
  db: Firestore,
  accountId: string,
  day?: string,
): Promise<RollupShard[]> {
  const collection = db.collection(subcollectionPath(accountId, 'auditRollups'));
  const snapshot = await (day ? collection.where('day', '==', day) : collection).get();
  return snapshot.docs.map((doc) => rollupShardSchema.parse(doc.data()));
}

export async function rollupTotals(
  db: Firestore,
  accountId: string,
  day?: string,
): Promise<RollupTotals> {
  return sumRollups(await rollupShards(db, accountId, day));
}

/** A valid audit-log document as the host product writes it. */
export function auditLogData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    timestamp: Timestamp.fromDate(new Date('2026-03-10T12:00:00Z')),
    actorId: 'actor-1',
    actorEmail: 'actor-1@example.test',
    action: 'recipe.execute',
    resourceType: 'recipe',
    resourceId: 'r1',
    result: 'success',
    ...overrides,
  };
}
