import { DAY_MS } from '../functions/domain/time';
/**
 * Audit pipeline benchmark (run inside the local stack):
 *   npm run stack -- node lib/bench/auditRollups.js
 * Prints (1) rollup throughput through the Functions emulator trigger, (2) rollup throughput of
 * the same code called in-process, and (3) summary document reads and latency at 1k, 10k and
 * 100k events against a naive scan of the raw events. `AUDIT_BENCH_SIZES=1000,10000` overrides
 * the sizes; `AUDIT_BENCH_TRIGGER_EVENTS` the trigger sample (default 2000).
 *
 * The scanned copy of the raw events lives at `auditBench/{run}/auditLogs`, a path the trigger
 * does not watch, so the rollups measured are exactly the ones built here.
 */
import { randomBytes } from 'node:crypto';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { firestore } from '../functions/adapters/firebase';
import { applyRollup } from '../functions/audit/rollup';
import { planRollup } from '../functions/audit/rollupPlan';
import { summarizeAuditLog } from '../functions/audit/summary';
import { subcollectionPath } from '../functions/schema/paths';
import { mulberry32 } from '../scripts/seed/rng';
import { pool } from './pool';

const NOW = new Date('2026-06-30T12:00:00Z');
const rng = mulberry32(20261123);
const actors = Array.from({ length: 500 }, (_, i) => `user-${i}`);
const actions = Array.from(
  { length: 40 },
  (_, i) => `${['auth', 'role', 'recipe', 'workflow'][i % 4]}.op_${i}`,
);

function randomEvent(): Record<string, unknown> {
  return {
    timestamp: Timestamp.fromMillis(NOW.getTime() - rng.int(0, 29 * DAY_MS)),
    actorId: rng.pick(actors),
    action: rng.pick(actions),
    resourceType: 'recipe',
    result: rng.weighted([
      ['success', 8],
      ['failure', 1],
      ['denied', 1],
    ] as const),
  };
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const runId = () => `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

async function triggerThroughput(db: Firestore, count: number) {
  const accountId = runId();
  const writer = db.bulkWriter({ throttling: false });
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    void writer.create(
      db.collection(subcollectionPath(accountId, 'auditLogs')).doc(),
      randomEvent(),
    );
  }
  await writer.close();
  const written = seconds(start);
  for (;;) {
    const shards = await db.collection(subcollectionPath(accountId, 'auditRollups')).get();
    const total = shards.docs.reduce((sum, d) => sum + ((d.get('total') as number) ?? 0), 0);
    if (total >= count) break;
    if (seconds(start) > 900) throw new Error(`trigger rolled up only ${total}/${count} in 900 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const all = seconds(start);
  console.log(
    `trigger (Functions emulator): ${count} events written in ${written.toFixed(1)} s, ` +
      `all rolled up after ${all.toFixed(1)} s → ${(count / all).toFixed(0)} events/s`,
  );
}

async function main() {
  const db = firestore();
  const sizes = (process.env.AUDIT_BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
  await triggerThroughput(db, Number(process.env.AUDIT_BENCH_TRIGGER_EVENTS ?? 2000));

  const accountId = runId();
  const rawCopy = db.collection(`auditBench/${accountId}/auditLogs`);
  let have = 0;
  let rollupSeconds = 0;
  console.log('\nevents   | rollup in-process | summary reads | summary ms | scan reads | scan ms');
  for (const size of sizes) {
    const batch: { id: string; data: Record<string, unknown> }[] = [];
    for (; have < size; have++) batch.push({ id: rng.id(), data: randomEvent() });
    const writer = db.bulkWriter({ throttling: false });
    for (const { id, data } of batch) void writer.create(rawCopy.doc(id), data);
    await writer.close();
    const start = process.hrtime.bigint();
    await pool(batch, 64, ({ id, data }) =>
      applyRollup(
        db,
        accountId,
        planRollup({
          accountId,
          eventId: id,
          deliveryId: id,
          data,
          arrivedAt: NOW,
          appliedAt: NOW,
        }),
      ),
    );
    rollupSeconds += seconds(start);

    const summaryStart = process.hrtime.bigint();
    const summary = await summarizeAuditLog(db, accountId, NOW);
    const summaryMs = seconds(summaryStart) * 1000;
    if (summary.total !== size) throw new Error(`summary total ${summary.total} != ${size}`);

    const scanStart = process.hrtime.bigint();
    const scanned = await rawCopy.where('timestamp', '>=', new Date(summary.windowStart)).get();
    const scanMs = seconds(scanStart) * 1000;
    console.log(
      `${String(size).padEnd(8)} | ${(have / rollupSeconds).toFixed(0).padStart(8)} events/s | ` +
        `${String(summary.documentReads).padStart(13)} | ${summaryMs.toFixed(0).padStart(10)} | ` +
        `${String(scanned.size).padStart(10)} | ${scanMs.toFixed(0).padStart(7)}`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
