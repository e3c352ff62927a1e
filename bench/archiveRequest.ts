/**
 * `POST /api/soc2-archives` on a busy period, through Hosting: how long the API takes to answer
 * (202, nothing is built in the request) and how long the task queue (Cloud Tasks emulator →
 * Functions emulator) then takes to build the bundle until the list shows it `ready`.
 *
 * The account's events are seeded into the Firestore emulator with the background triggers off
 * (not timed). Then one POST that queues the build, and more POSTs while it builds (each finds
 * the queued job: 202, queued once), then the list is polled every second.
 *
 *   STACK_PORT_OFFSET=500 npm run bench -- --only archiveRequest [--events 100000]
 */
import { randomBytes } from 'node:crypto';
import { auth, firestore } from '../functions/adapters/firebase';
import { parseQuarter } from '../functions/bundle/period';
import { mintIdToken } from '../scripts/localStack/idTokens';
import {
  accountDoc,
  auditLogDoc,
  memberDoc,
  upsertAuthUser,
  writeDocs,
  type SeedDoc,
} from '../scripts/seed/builders';
import { withoutTriggers } from './quietSeeding';
import { percentile } from './stats';

const PERIOD = parseQuarter('2026-Q3');
const REPEATS = 5;
const BUILD_TIMEOUT_MS = 30 * 60 * 1000;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}

function* events(accountId: string, count: number): Generator<SeedDoc> {
  const span = PERIOD.end.getTime() - PERIOD.start.getTime();
  for (let i = 0; i < count; i++) {
    yield auditLogDoc(accountId, `e${String(i).padStart(7, '0')}`, {
      timestamp: new Date(PERIOD.start.getTime() + Math.floor((i * span) / count)),
      actorId: `user-${i % 50}`,
      action: 'recipe.execute',
      resourceType: 'recipe',
      result: 'success',
    });
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function main(): Promise<void> {
  const count = Number(option('events') ?? 100_000);
  const accountId = `bench-archive-${randomBytes(3).toString('hex')}`;
  const uid = `${accountId}-owner`;
  const seeded = await timed(() =>
    withoutTriggers(async () => {
      await upsertAuthUser(auth(), { uid, email: `${uid}@example.test`, displayName: 'Owner' });
      return writeDocs(firestore(), [
        accountDoc(accountId, { name: accountId }),
        memberDoc(accountId, uid, { role: 'owner', email: `${uid}@example.test` }),
        ...events(accountId, count),
      ]);
    }),
  );
  console.log(`seeded ${count} events in ${(seeded.ms / 1000).toFixed(1)} s (not timed below)`);

  const api = process.env.EVIDENCE_API_URL!;
  const token = await mintIdToken(process.env.FIREBASE_AUTH_EMULATOR_HOST!, uid);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const body = JSON.stringify({
    accountId,
    periodStart: PERIOD.start.toISOString(),
    periodEnd: PERIOD.end.toISOString(),
  });
  const post = () =>
    timed(
      async () => (await fetch(`${api}/soc2-archives`, { method: 'POST', headers, body })).status,
    );

  // The Functions emulator restarts its workers when the triggers come back on after seeding, so
  // the first request after it pays a worker start (a production cold start's analogue). One
  // listing takes that first and is printed apart, so the POSTs measure the queueing path.
  const warmUp = await timed(
    async () => (await fetch(`${api}/soc2-archives?accountId=${accountId}`, { headers })).status,
  );
  const queuedAt = performance.now();
  const answers = [];
  for (let i = 0; i < REPEATS; i++) answers.push(await post());

  let state = 'building';
  while (state === 'building' && performance.now() - queuedAt < BUILD_TIMEOUT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const list = await fetch(`${api}/soc2-archives?accountId=${accountId}`, { headers });
    const { archives } = (await list.json()) as { archives: { id: string; state: string }[] };
    state = archives.find((a) => a.id === PERIOD.id)?.state ?? 'missing';
  }
  const buildSeconds = (performance.now() - queuedAt) / 1000;
  const ms = answers.map((a) => a.ms);
  const sorted = [...ms].sort((a, b) => a - b);
  console.log(
    [
      `events: ${count}`,
      `first request (GET list, worker start): ${warmUp.value} in ${warmUp.ms.toFixed(0)} ms`,
      `POST answers: ${answers.map((a) => `${a.value} in ${a.ms.toFixed(0)} ms`).join(', ')}`,
      `POST answer time: first ${ms[0].toFixed(0)} ms, median ${percentile(sorted, 50).toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`,
      `bundle ${state} ${buildSeconds.toFixed(1)} s after the first POST`,
    ].join('\n'),
  );
  console.log(
    JSON.stringify({
      bench: 'archiveRequest',
      events: count,
      postStatuses: answers.map((a) => a.value),
      firstRequestMs: Math.round(warmUp.ms),
      postMs: ms.map((m) => Math.round(m)),
      finalState: state,
      buildSeconds: Math.round(buildSeconds * 10) / 10,
    }),
  );
  if (state !== 'ready' || answers.some((a) => a.value !== 202)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
