/**
 * A bounded load test of the API on loopback: the same 480-request mix at concurrency 10, then 25,
 * against the demo account (seeded fresh, quietly). Each run of the mix:
 *   - every 12th request writes a member document through the admin SDK (as the seeder does),
 *     which sets off the member triggers and the cache invalidation while reads are in flight;
 *   - every 8th is `GET /api/compliance/status` (60 of 480);
 *   - the other even ones `GET /api/soc2-evidence` (180), the other odd ones the next page of
 *     `GET /api/audit-logs` (200), following nextPageToken and starting over at the end.
 * Prints, per concurrency and route, status counts and latency p50/p95/p99/max, then one JSON line
 * of totals (responses ≥ 500 per concurrency). It stops by itself: each request gives up after
 * REQUEST_TIMEOUT_MS, and a run sends nothing more after RUN_DEADLINE_MS (the rest count as
 * `not sent`).
 *
 *   STACK_PORT_OFFSET=600 npm run bench -- --only loadMix
 */
import type { Firestore } from 'firebase-admin/firestore';
import { firestore } from '../functions/adapters/firebase';
import { mintIdToken } from '../scripts/localStack/idTokens';
import type { StackEnv } from '../scripts/localStack/types';
import { memberDoc, writeDocs } from '../scripts/seed/builders';
import { pool } from './pool';
import { seedDemoQuietly } from './quietSeeding';
import { percentile } from './stats';

const REQUESTS = 480;
const CONCURRENCIES = [10, 25];
const WRITE_EVERY = 12;
const STATUS_EVERY = 8;
const AUDIT_PAGE_SIZE = 50;
const REQUEST_TIMEOUT_MS = 60_000;
/** At concurrency 10 the mix takes about 5 minutes on a quiet 2-core machine; twice that is the cap. */
const RUN_DEADLINE_MS = 600_000;

type Route = 'GET /soc2-evidence' | 'GET /audit-logs' | 'GET /compliance/status' | 'member write';
const READ_PATHS = {
  'GET /soc2-evidence': '/soc2-evidence',
  'GET /compliance/status': '/compliance/status',
} as const;

/** An HTTP status, or what happened instead of one. */
type Outcome = number | 'ok' | 'timeout' | 'network error' | 'write failed' | 'not sent';

interface Sample {
  route: Route;
  outcome: Outcome;
  ms: number;
}

interface Target {
  api: string;
  token: string;
  accountId: string;
  db: Firestore;
  /** The audit-log page to ask for next, shared by the requests of one run. */
  pageToken?: string;
}

function routeOf(index: number): Route {
  if ((index + 1) % WRITE_EVERY === 0) return 'member write';
  if (index % STATUS_EVERY === 0) return 'GET /compliance/status';
  return index % 2 === 0 ? 'GET /soc2-evidence' : 'GET /audit-logs';
}

/** Refuses anything but loopback: this sends hundreds of requests as fast as it can. */
function loopbackApi(env: StackEnv): string {
  const { hostname } = new URL(env.EVIDENCE_API_URL);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) {
    throw new Error(`loadMix runs against loopback only, not ${env.EVIDENCE_API_URL}`);
  }
  return env.EVIDENCE_API_URL;
}

async function get(target: Target, path: string, query: Record<string, string>) {
  const params = new URLSearchParams({ accountId: target.accountId, ...query });
  const response = await fetch(`${target.api}${path}?${params}`, {
    headers: { authorization: `Bearer ${target.token}` },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.text() };
}

async function send(target: Target, route: Route, index: number): Promise<Outcome> {
  if (route === 'member write') {
    const uid = `load-${Date.now().toString(36)}-${index}`;
    await writeDocs(target.db, [memberDoc(target.accountId, uid, { role: 'member' })]);
    return 'ok';
  }
  if (route === 'GET /audit-logs') {
    const query: Record<string, string> = { pageSize: String(AUDIT_PAGE_SIZE) };
    if (target.pageToken) query.pageToken = target.pageToken;
    const { status, body } = await get(target, '/audit-logs', query);
    if (status === 200)
      target.pageToken = (JSON.parse(body) as { nextPageToken?: string }).nextPageToken;
    return status;
  }
  return (await get(target, READ_PATHS[route], {})).status;
}

function failureOutcome(route: Route, error: unknown): Outcome {
  if (route === 'member write') return 'write failed';
  return (error as Error).name === 'TimeoutError' ? 'timeout' : 'network error';
}

async function runMix(
  target: Target,
  concurrency: number,
): Promise<{ samples: Sample[]; wallMs: number }> {
  const started = performance.now();
  const samples: Sample[] = [];
  target.pageToken = undefined;
  const indexes = Array.from({ length: REQUESTS }, (_, i) => i);
  await pool(indexes, concurrency, async (index) => {
    const route = routeOf(index);
    if (performance.now() - started > RUN_DEADLINE_MS) {
      samples.push({ route, outcome: 'not sent', ms: 0 });
      return;
    }
    const sent = performance.now();
    const outcome = await send(target, route, index).catch((error) => failureOutcome(route, error));
    samples.push({ route, outcome, ms: performance.now() - sent });
  });
  return { samples, wallMs: performance.now() - started };
}

function routeRows(samples: readonly Sample[]) {
  const routes = [...new Set(samples.map((s) => s.route))].sort();
  return routes.map((route) => {
    const mine = samples.filter((s) => s.route === route);
    const counts = new Map<Outcome, number>();
    for (const { outcome } of mine) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    const ms = mine
      .filter((s) => s.outcome !== 'not sent')
      .map((s) => s.ms)
      .sort((a, b) => a - b);
    const at = (p: number) => (ms.length === 0 ? null : Math.round(percentile(ms, p)));
    return {
      route,
      requests: mine.length,
      statuses: [...counts].map(([outcome, n]) => `${outcome}×${n}`).join(' '),
      p50Ms: at(50),
      p95Ms: at(95),
      p99Ms: at(99),
      maxMs: at(100),
    };
  });
}

async function main() {
  const env = process.env as unknown as StackEnv;
  const api = loopbackApi(env);
  const db = firestore();
  const demo = await seedDemoQuietly(env, db);
  const account = demo.accounts[0];
  const owner = demo.users.find((u) => u.accountId === account.id && u.role === 'owner')!;
  const target: Target = {
    api,
    token: await mintIdToken(env.FIREBASE_AUTH_EMULATOR_HOST, owner.uid),
    accountId: account.id,
    db,
  };
  const totals = [];
  for (const concurrency of CONCURRENCIES) {
    const { samples, wallMs } = await runMix(target, concurrency);
    console.log(
      `\n${REQUESTS} requests at concurrency ${concurrency} in ${(wallMs / 1000).toFixed(1)} s`,
    );
    console.table(routeRows(samples));
    totals.push({
      concurrency,
      requests: REQUESTS,
      wallS: Math.round(wallMs / 100) / 10,
      responsesAtLeast500: samples.filter((s) => typeof s.outcome === 'number' && s.outcome >= 500)
        .length,
      failedWithoutResponse: samples.filter((s) =>
        ['timeout', 'network error', 'write failed'].includes(String(s.outcome)),
      ).length,
      notSent: samples.filter((s) => s.outcome === 'not sent').length,
    });
  }
  console.log(JSON.stringify({ bench: 'loadMix', account: account.id, totals }));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
