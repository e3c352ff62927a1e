/**
 * Seeding for benchmarks that must not be coloured by the Functions emulator working through
 * the triggers a bulk seed sets off (100,000 audit events are 100,000 rollup invocations, minutes
 * of both cores). Triggers are switched off on the emulator hub while seeding; what the
 * `auditRollup` and `memberAccessHistory` triggers would have written is then written here,
 * in-process, with the same production functions they call, so the seeded account reads exactly
 * as it would once its triggers had all run.
 */
import { FieldPath, type Firestore, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { accessChangeFor, recordAccessChange } from '../functions/audit/accessHistory';
import {
  accessRecentItemOf,
  addToAccessRecent,
  buildAccessRecent,
} from '../functions/audit/accessRecent';
import { compactAccount } from '../functions/audit/compaction';
import { deliveryDocId, rollupDocId, shardOf } from '../functions/audit/keys';
import { applyRollup } from '../functions/audit/rollup';
import { planRollup } from '../functions/audit/rollupPlan';
import { summarizeAuditLog } from '../functions/audit/summary';
import { ACCESS_HISTORY_FUNCTION } from '../functions/handlers/accessHistoryTrigger';
import { repairResourceDigest } from '../functions/report/resourceDigest';
import type { AccessRecentItem } from '../functions/schema/audit';
import { utcDay } from '../functions/domain/time';
import { accountDocPath, subcollectionPath } from '../functions/schema/paths';
import type { SeedResult, StackEnv } from '../scripts/localStack/types';
import { auditLogDoc } from '../scripts/seed/builders';
import { seedDemo } from '../scripts/seed/demo';
import { portOffsetFromEnv, shiftedPorts } from '../scripts/localStack/ports';
import { pool } from './pool';

const PAGE = 5000;
const CONCURRENCY = 64;

/**
 * The emulator hub's address: `firebase emulators:exec` exports it; the local stack does not, but
 * puts the hub on 127.0.0.1 at the STACK_PORT_OFFSET-shifted port.
 */
function hubOrigin(): string {
  const exported = process.env.FIREBASE_EMULATOR_HUB;
  return `http://${exported ?? `127.0.0.1:${shiftedPorts(portOffsetFromEnv()).hub}`}`;
}

/** firebase-tools' hub routes (lib/emulator/hub.js PATH_DISABLE_FUNCTIONS / PATH_ENABLE_FUNCTIONS). */
async function setBackgroundTriggers(enabled: boolean): Promise<void> {
  const route = enabled ? 'enableBackgroundTriggers' : 'disableBackgroundTriggers';
  const response = await fetch(`${hubOrigin()}/functions/${route}`, { method: 'PUT' });
  if (!response.ok) {
    throw new Error(`emulator hub ${route} answered ${response.status}: ${await response.text()}`);
  }
}

/** Runs `seed` with the Functions emulator's background triggers off; always switches them back on. */
export async function withoutTriggers<T>(seed: () => Promise<T>): Promise<T> {
  await setBackgroundTriggers(false);
  try {
    return await seed();
  } finally {
    await setBackgroundTriggers(true);
  }
}

/** Every document of a collection, a page at a time (a 100,000-event account in one get() is a lot). */
async function forEachPage(
  db: Firestore,
  collection: string,
  work: (docs: QueryDocumentSnapshot[]) => Promise<void>,
): Promise<number> {
  let seen = 0;
  let after: QueryDocumentSnapshot | undefined;
  for (;;) {
    const ordered = db.collection(collection).orderBy(FieldPath.documentId()).limit(PAGE);
    const page = await (after ? ordered.startAfter(after) : ordered).get();
    if (page.empty) return seen;
    await work(page.docs);
    seen += page.size;
    after = page.docs[page.docs.length - 1];
  }
}

/**
 * What the `auditRollup` trigger does for each stored event, with a deterministic delivery id per
 * event (a second replay would be recognised as duplicates, not counted twice). Returns the number
 * of events rolled up.
 */
async function replayRollups(db: Firestore, accountId: string, arrivedAt: Date): Promise<number> {
  return forEachPage(db, subcollectionPath(accountId, 'auditLogs'), (docs) =>
    pool(docs, CONCURRENCY, async (doc) => {
      const plan = planRollup({
        accountId,
        eventId: doc.id,
        deliveryId: `bench-seed-${doc.id}`,
        data: doc.data(),
        arrivedAt,
        appliedAt: arrivedAt,
      });
      if ((await applyRollup(db, accountId, plan)) === 'duplicate') {
        throw new Error(`${doc.ref.path} was already rolled up: seed a fresh account`);
      }
    }),
  );
}

/**
 * What the `memberAccessHistory` trigger records for each member document's creation: the entry,
 * and its place in the accessRecent digest, merged a page at a time (a shard merge gives the same
 * document whatever the grouping, and 64 concurrent transactions on ten shards would contend).
 * The digest is then marked built, as the hourly job would.
 */
async function replayAccessHistory(db: Firestore, accountId: string): Promise<number> {
  const members = await forEachPage(db, subcollectionPath(accountId, 'members'), async (docs) => {
    const items: AccessRecentItem[] = [];
    await pool(docs, CONCURRENCY, async (doc) => {
      const change = accessChangeFor(doc.id, undefined, doc.data(), doc.updateTime.toDate());
      if (!change) return;
      const entryId = deliveryDocId(ACCESS_HISTORY_FUNCTION, `bench-seed-${doc.id}`);
      await recordAccessChange(db, accountId, entryId, change);
      const item = accessRecentItemOf(accountId, entryId, change);
      if (item) items.push(item);
    });
    await addToAccessRecent(db, accountId, items);
  });
  await buildAccessRecent(db, accountId);
  return members;
}

/**
 * Writes the seeded account's rollups, access history and resource digest in-process, compacts
 * its closed days as the hourly `auditCompaction` job would, then proves the audit
 * summary sees every event of its window: `expectedInWindow` events, or (when not given) as many
 * as the stored events whose timestamp falls in the summary's window. Throws when it does not.
 */
export async function completeTriggerWork(
  db: Firestore,
  accountId: string,
  now: Date,
  expectedInWindow?: number,
): Promise<{
  rolledUp: number;
  members: number;
  compactedDays: number;
  summaryTotal: number;
  drainedSeconds: number;
}> {
  // Triggers stay off while their work is done in-process: otherwise each derived write (access
  // history, digests) queues cache invalidations and control evaluations in the Functions
  // emulator that run on into the measurement, dropping warm entries and loading the machine.
  const { rolledUp, members, compactedDays } = await withoutTriggers(async () => ({
    rolledUp: await replayRollups(db, accountId, now),
    members: await replayAccessHistory(db, accountId),
    compactedDays: (await compactAccount(db, accountId, now)).length,
    // The resource digest, as the resourceDigest trigger (or the hourly repair) would leave it.
    digest: await repairResourceDigest(db, accountId),
  }));
  const summary = await summarizeAuditLog(db, accountId, now);
  const expected =
    expectedInWindow ??
    (
      await db
        .collection(subcollectionPath(accountId, 'auditLogs'))
        .where('timestamp', '>=', new Date(summary.windowStart))
        .where('timestamp', '<=', new Date(summary.windowEnd))
        .count()
        .get()
    ).data().count;
  if (summary.total !== expected) {
    throw new Error(
      `${accountId}: the audit summary counts ${summary.total} events, expected ${expected} ` +
        `(${rolledUp} rolled up); the benchmark would measure an incomplete account`,
    );
  }
  // Measuring starts once the emulator is quiet again.
  const drainedSeconds = Math.round(await drainTriggerEvents(db));
  return { rolledUp, members, compactedDays, summaryTotal: summary.total, drainedSeconds };
}

const DRAIN_POLL_MS = 2_000;
const DRAIN_TIMEOUT_MS = 30 * 60_000;

/**
 * Waits until the Firestore emulator has delivered the events of every write made so far. It
 * delivers them one at a time and in order, also while the triggers are off (the Functions
 * emulator then drops them): a 100,000-event seed leaves a quarter of an hour of deliveries that
 * would otherwise run on beside the measurement. A sentinel audit event is written last and its
 * rollup awaited. Returns the seconds waited.
 */
export async function drainTriggerEvents(db: Firestore): Promise<number> {
  const started = performance.now();
  const accountId = `bench-drain-${Date.now().toString(36)}`;
  const eventId = 'sentinel';
  const at = new Date();
  const sentinel = auditLogDoc(accountId, eventId, { actorId: 'bench-drain', timestamp: at });
  await db.doc(sentinel.path).set(sentinel.data);
  const shard = db.doc(
    accountDocPath(accountId, 'auditRollups', rollupDocId(utcDay(at), shardOf(eventId))),
  );
  while (!(await shard.get()).exists) {
    if (performance.now() - started > DRAIN_TIMEOUT_MS) {
      throw new Error('the emulator did not deliver the sentinel event within 30 minutes');
    }
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
  return (performance.now() - started) / 1000;
}

/**
 * The demo accounts under a fresh namespace (so runs never collide), seeded with triggers off and
 * their trigger work completed in-process; prints what was completed per account.
 */
export async function seedDemoQuietly(env: StackEnv, db: Firestore): Promise<SeedResult> {
  const now = new Date();
  const demo = await withoutTriggers(() =>
    seedDemo(env, { namespace: `bench${Date.now().toString(36)}-`, now }),
  );
  for (const account of demo.accounts) {
    const done = await completeTriggerWork(db, account.id, now);
    console.log(`${account.id}: ${JSON.stringify(done)}`);
  }
  return demo;
}
