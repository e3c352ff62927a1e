/**
 * Bundle build time and peak memory as the event count grows. Each size runs in its own child
 * process (peak RSS is per process) through the production streaming path: events → ndjson →
 * yazl zip → hashing → Cloud Storage upload (the stack's Storage emulator, ifGenerationMatch: 0).
 *
 * What is real: builder, Merkle accumulation, zip, report.pdf rendering, signing, upload. What is
 * synthetic: the event source and the report (every section's empty data plus 250 members). `--source synthetic` (default) generates events in memory in the order Firestore would
 * yield them; `--source firestore` seeds the events into the Firestore emulator first and streams
 * them with audit/events.ts (real paging). Seeding runs in a separate process, neither timed nor
 * counted in the memory figures.
 *
 *   STACK_PORT_OFFSET=500 npm run stack -- node lib/bench/bundleBuild.js [--sizes 10000,100000,1000000] [--source synthetic|firestore]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { firestore } from '../functions/adapters/firebase';
import { ed25519Signer } from '../functions/adapters/signer';
import { gcsEvidenceStore } from '../functions/adapters/storage';
import { streamAuditEvents } from '../functions/audit/events';
import { accountDoc, auditLogDoc, writeDocs, type SeedDoc } from '../scripts/seed/builders';
import { MEMBERS, PERIOD, synthetic, syntheticBundle, syntheticEvent } from './syntheticBundle';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}

const SAMPLE_MS = 20;

async function seedFirestore(accountId: string, count: number): Promise<void> {
  const db = firestore();
  const docs: SeedDoc[] = [accountDoc(accountId)];
  for (let i = 0; i < count; i++) {
    const { id, event } = syntheticEvent(i, count) as {
      id: string;
      event: Record<string, unknown>;
    };
    docs.push(auditLogDoc(accountId, id, event));
  }
  await writeDocs(db, docs);
}

/** One size, in this process: prints one JSON line. */
async function runOne(count: number, source: string, accountId: string): Promise<void> {
  const store = gcsEvidenceStore(process.env.EVIDENCE_BUCKET ?? '');
  const signer = ed25519Signer(
    process.env.SIGNING_PRIVATE_KEY ?? '',
    process.env.SIGNING_KEY_ID ?? '',
  );
  global.gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, SAMPLE_MS);
  const started = performance.now();
  const { stream, done } = syntheticBundle({
    accountId,
    events:
      source === 'firestore'
        ? streamAuditEvents(firestore(), accountId, PERIOD.start, PERIOD.end)
        : synthetic(count),
    signer,
  });
  const [, built] = await Promise.all([
    store.writeOnce(`bench/${accountId}/${count}.zip`, 'application/zip', stream),
    done,
  ]);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  console.log(
    JSON.stringify({
      events: built.manifest.eventCount,
      seconds: Math.round(seconds * 100) / 100,
      eventsPerSecond: Math.round(built.manifest.eventCount / seconds),
      ndjsonMB: mb(built.manifest.files.find((f) => f.name === 'audit-log.ndjson')!.size),
      zipMB: mb(built.size),
      pdfKB: Math.round(built.manifest.files.find((f) => f.name === 'report.pdf')!.size / 1024),
      baselineRssMB: mb(baseline.rss),
      peakRssMB: mb(peakRss),
      peakHeapMB: mb(peakHeap),
    }),
  );
}

function runAll(): void {
  const sizes = (option('sizes') ?? '10000,100000,1000000').split(',').map(Number);
  const source = option('source') ?? 'synthetic';
  console.log(`bundle build, source=${source}, upload to ${process.env.STORAGE_EMULATOR_HOST}`);
  console.log(
    `events     seconds  events/s  ndjson MB  zip MB  pdf KB  RSS base→peak MB  heap peak MB  (report.pdf: ${MEMBERS} members)`,
  );
  for (const size of sizes) {
    const accountId = `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const child = (...args: string[]) =>
      spawnSync(process.execPath, ['--expose-gc', __filename, ...args, '--account', accountId], {
        encoding: 'utf8',
        env: process.env,
        maxBuffer: 1 << 20,
      });
    if (source === 'firestore') {
      const seeded = child('--seed', String(size));
      if (seeded.status !== 0) {
        console.error(`seeding ${size} failed:\n${seeded.stderr}`);
        process.exitCode = 1;
        continue;
      }
    }
    const run = child('--one', String(size), '--source', source);
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line.startsWith('{')) {
      console.error(`size ${size} failed (exit ${run.status}):\n${run.stderr}`);
      process.exitCode = 1;
      continue;
    }
    const r = JSON.parse(line) as Record<string, number>;
    console.log(
      `${String(r.events).padEnd(10)} ${String(r.seconds).padStart(7)}  ${String(r.eventsPerSecond).padStart(8)}  ${String(r.ndjsonMB).padStart(9)}  ${String(r.zipMB).padStart(6)}  ${String(r.pdfKB).padStart(6)}  ${`${r.baselineRssMB}→${r.peakRssMB}`.padStart(16)}  ${String(r.peakHeapMB).padStart(12)}`,
    );
  }
}

const exitWhenDone = (work: Promise<void>) =>
  work.then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
const one = option('one');
const seed = option('seed');
const account = option('account') ?? '';
if (seed) exitWhenDone(seedFirestore(account, Number(seed)));
else if (one) exitWhenDone(runOne(Number(one), option('source') ?? 'synthetic', account));
else runAll();
