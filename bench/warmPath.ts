/**
 * Where a warm evidence report's time goes: each step of the warm path timed on its own against
 * the running stack, on the demo account. Steps: the whole request through Hosting, the same
 * request straight to the Functions emulator, a public route through Hosting (the hops alone),
 * token verification with and without the revocation check, the member and account reads, the
 * cache read, and the body's serialization and compression.
 *
 *   STACK_PORT_OFFSET=600 npm run stack -- node lib/bench/warmPath.js
 */
import { gzipSync } from 'node:zlib';
import { authorizeAccount } from '../functions/http/authz';
import {
  cachedReport,
  cachedReportJson,
  generationKey,
  sectionCacheKey,
} from '../functions/report/cache';
import { SECTION_SLUG_LIST, SECTION_SLUGS } from '../functions/schema/report';
import type { StackEnv } from '../scripts/localStack/types';
import { mintIdToken } from '../scripts/localStack/idTokens';
import { seedDemoQuietly } from './quietSeeding';
import { stackDeps } from './stackDeps';
import { percentile } from './stats';

const RUNS = 40;

async function timed(label: string, step: () => Promise<unknown>): Promise<[string, number]> {
  await step();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await step();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return [label, Math.round(percentile(ms, 50) * 10) / 10];
}

async function main() {
  const env = process.env as unknown as StackEnv;
  const deps = stackDeps(env);
  const demo = await seedDemoQuietly(env, deps.db);
  const accountId = demo.accounts[0].id;
  const owner = demo.users.find((u) => u.accountId === accountId && u.role === 'owner')!;
  const token = await mintIdToken(env.FIREBASE_AUTH_EMULATOR_HOST, owner.uid);
  const query = `/soc2-evidence?accountId=${encodeURIComponent(accountId)}`;
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, ...headers },
    });
    await response.arrayBuffer();
    return response;
  };
  const first = await get(`${env.EVIDENCE_API_URL}${query}`);
  console.log('response headers', Object.fromEntries(first.headers));
  const decoded = await deps.auth.verifyIdToken(token, true);
  const keys = [
    generationKey(accountId),
    ...SECTION_SLUG_LIST.map((slug) => sectionCacheKey(accountId, SECTION_SLUGS[slug])),
  ];
  const { report } = await cachedReport(deps, accountId, SECTION_SLUG_LIST);
  const body = JSON.stringify(report);
  const rows = [
    await timed('request via Hosting', () => get(`${env.EVIDENCE_API_URL}${query}`)),
    await timed('request via Hosting, gzip', () =>
      get(`${env.EVIDENCE_API_URL}${query}`, { 'accept-encoding': 'gzip' }),
    ),
    await timed('request to Functions emulator', () =>
      get(`${env.FUNCTIONS_EMULATOR_URL}${query}`),
    ),
    await timed('health via Hosting', () => get(`${env.EVIDENCE_API_URL}/health`)),
    await timed('health to Functions emulator', () => get(`${env.FUNCTIONS_EMULATOR_URL}/health`)),
    await timed('verifyIdToken checkRevoked (Auth round trip)', () =>
      deps.auth.verifyIdToken(token, true),
    ),
    await timed('verifyIdToken', () => deps.auth.verifyIdToken(token, false)),
    await timed('authorizeAccount (2 reads)', () =>
      authorizeAccount(deps, decoded, accountId, 'audit:read'),
    ),
    await timed('cache mget', () => deps.cache.mget(keys)),
    await timed('cachedReportJson (hit, what JSON requests use)', () =>
      cachedReportJson(deps, accountId, SECTION_SLUG_LIST),
    ),
    await timed('cachedReport (hit, parsed: CSV/PDF/OSCAL)', () =>
      cachedReport(deps, accountId, SECTION_SLUG_LIST),
    ),
    await timed('JSON.stringify report', async () => JSON.stringify(report)),
    await timed('gzip report', async () => gzipSync(body)),
  ];
  console.table(rows.map(([step, medianMs]) => ({ step, medianMs })));
  console.log(
    JSON.stringify({ bodyBytes: Buffer.byteLength(body), gzipBytes: gzipSync(body).length }),
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
