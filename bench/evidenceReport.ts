/**
 * Evidence report latency and cost, over HTTP through the Hosting emulator, on the demo account
 * and on a large one (≥ 1,000 members, ≥ 100,000 audit events). Prints median and p95 latency cold
 * (cache invalidated before each request) and warm (served from the cache), the Firestore
 * document reads one report costs (counted by the report builder in-process, same code), and the
 * median of a public no-op route (`/api/health`) through the same emulator hops.
 *
 * Both accounts are seeded with the Functions emulator's background triggers off and their
 * rollups and access history written in-process by the triggers' own code (quietSeeding.ts): the
 * figures are of the report alone, on accounts whose audit summary is complete (checked before
 * measuring), not of the report racing 100,000 rollup invocations.
 *
 *   STACK_PORT_OFFSET=600 npm run stack -- node lib/bench/evidenceReport.js [--members N] [--events N]
 */
import type { Deps } from '../functions/app/deps';
import { buildReport, type ReportStats } from '../functions/report/buildReport';
import { invalidateAccountCache } from '../functions/report/cache';
import type { StackEnv } from '../scripts/localStack/types';
import { mintIdToken } from '../scripts/localStack/idTokens';
import { seedLargeAccount } from '../scripts/seed/builders';
import { mulberry32 } from '../scripts/seed/rng';
import { completeTriggerWork, seedDemoQuietly, withoutTriggers } from './quietSeeding';
import { stackDeps } from './stackDeps';
import { percentile } from './stats';

const COLD_RUNS = 10;
const WARM_RUNS = 30;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function timeRequest(
  url: string,
  token: string,
): Promise<{ ms: number; cache: string; complete: boolean }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`report answered ${response.status}`);
  return {
    ms: performance.now() - started,
    cache: response.headers.get('x-evidence-cache') ?? '?',
    complete: response.headers.get('x-evidence-complete') === 'true',
  };
}

async function measure(label: string, accountId: string, uid: string, deps: Deps) {
  const env = process.env as unknown as StackEnv;
  const token = await mintIdToken(env.FIREBASE_AUTH_EMULATOR_HOST, uid);
  const url = `${env.EVIDENCE_API_URL}/soc2-evidence?accountId=${encodeURIComponent(accountId)}`;
  const cold: number[] = [];
  let incompleteColdReports = 0;
  for (let i = 0; i < COLD_RUNS; i++) {
    await invalidateAccountCache(deps, accountId);
    const { ms, complete } = await timeRequest(url, token);
    cold.push(ms);
    if (!complete) incompleteColdReports++;
  }
  await timeRequest(url, token);
  const warm: number[] = [];
  const cacheStates = new Set<string>();
  for (let i = 0; i < WARM_RUNS; i++) {
    const { ms, cache } = await timeRequest(url, token);
    warm.push(ms);
    cacheStates.add(cache);
  }
  // The stack's floor in the same run: a public no-op route through the same hops (Hosting and
  // Functions emulators), so a warm report can be read against what no report can beat here.
  const noOp: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    const started = performance.now();
    await (await fetch(`${env.EVIDENCE_API_URL}/health`)).arrayBuffer();
    noOp.push(performance.now() - started);
  }
  noOp.sort((a, b) => a - b);
  // One more cold build in-process, for where its time and reads go.
  const stats: ReportStats = { documentsRead: 0 };
  const report = await buildReport(deps, accountId, { stats });
  cold.sort((a, b) => a - b);
  warm.sort((a, b) => a - b);
  const row = {
    account: label,
    members: report.sections.accessReview?.data.totals.members,
    auditEvents30d: report.sections.auditLogSummary?.data.total,
    coldMedianMs: Math.round(percentile(cold, 50)),
    coldP95Ms: Math.round(percentile(cold, 95)),
    warmMedianMs: Math.round(percentile(warm, 50)),
    warmP95Ms: Math.round(percentile(warm, 95)),
    warmCache: [...cacheStates].join('/'),
    noOpRouteMedianMs: Math.round(percentile(noOp, 50) * 10) / 10,
    documentReadsPerReport: stats.documentsRead,
    complete: report.complete,
    incompleteColdReports,
    coldSectionMs: stats.sectionMs,
    readsBySource: stats.readsBySource,
  };
  console.log(JSON.stringify(row));
  return row;
}

async function main() {
  const env = process.env as unknown as StackEnv;
  const deps = stackDeps(env);
  const rows = [];

  const demo = await seedDemoQuietly(env, deps.db);
  const demoAccount = demo.accounts[0];
  const demoAuditor = demo.users.find((u) => u.accountId === demoAccount.id && u.role === 'owner')!;
  rows.push(await measure(`demo (${demoAccount.id})`, demoAccount.id, demoAuditor.uid, deps));

  const members = option('members', 1000);
  const events = option('events', 100_000);
  const largeId = `bench-large-${Date.now().toString(36)}`;
  const largeNow = new Date();
  const seedStarted = performance.now();
  const large = await withoutTriggers(() =>
    seedLargeAccount(deps.db, deps.auth, largeId, {
      members,
      events,
      now: largeNow,
      rng: mulberry32(7),
      // The summary's 30-day window starts at midnight UTC 29 days back; 29 days before now
      // keeps every seeded event inside it, so its total must equal `events` exactly.
      days: 29,
    }),
  );
  const seeded = (performance.now() - seedStarted) / 1000;
  const done = await completeTriggerWork(deps.db, largeId, largeNow, events);
  console.log(
    `seeded ${largeId}: ${members} members, ${events} events in ${Math.round(seeded)} s; ` +
      `rollups and access history in-process in ${Math.round((performance.now() - seedStarted) / 1000 - seeded)} s ` +
      `(${JSON.stringify(done)})`,
  );
  rows.push(await measure(`large (${largeId})`, largeId, large.uids[0], deps));
  console.table(rows);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
