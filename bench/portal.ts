/**
 * The portal as a user meets it, in Debian's Chromium through Hosting, on the demo account
 * (seeded fresh and quietly, controls evaluated as `npm start` does):
 *   - time from clicking "Sign in" to the dashboard rendered (every control row of the API's
 *     list in the page), one warm-up then RUNS runs, each in a fresh browser context (no Firebase
 *     session, no HTTP cache): median and p95;
 *   - the JavaScript of the first page (the sign-in page) and of everything up to the
 *     dashboard: bytes as the Hosting emulator sent them, and gzipped (-9) as Hosting in
 *     production sends them (the emulator may not compress).
 * Prints one JSON line.
 *
 *   STACK_PORT_OFFSET=600 npm run bench -- --only portal
 */
import { gzipSync } from 'node:zlib';
import type { Browser, Page, Response } from 'playwright-core';
import { firestore } from '../functions/adapters/firebase';
import { can, isRole } from '../functions/domain/roles';
import { launchChromium } from '../scripts/localStack/chromium';
import { mintIdToken } from '../scripts/localStack/idTokens';
import type { SeedResult, StackEnv } from '../scripts/localStack/types';
import { evaluateSeededAccounts } from '../scripts/seed/evaluate';
import { seedDemoQuietly } from './quietSeeding';
import { percentile } from './stats';

const RUNS = 10;
// Generous: the first sign-in waits for the Functions emulator to start its workers.
const TIMEOUT_MS = 120_000;

type Person = SeedResult['users'][number];

/**
 * An enabled reader of the first demo account who belongs to no other account and has no second
 * factor (the portal's sign-in does not offer one yet).
 */
function demoReader(demo: SeedResult): Person {
  const accountId = demo.accounts[0].id;
  const accountsOf = (uid: string) => demo.users.filter((u) => u.uid === uid).length;
  const reader = demo.users.find(
    (u) =>
      u.accountId === accountId &&
      !u.disabled &&
      !u.mfaEnrolled &&
      isRole(u.role) &&
      can(u.role, 'audit:read') &&
      accountsOf(u.uid) === 1,
  );
  if (!reader) throw new Error(`the demo account ${accountId} has no single-account reader`);
  return reader;
}

interface ScriptBytes {
  scripts: number;
  servedBytes: number;
  gzipBytes: number;
  contentEncodings: string[];
}

/** Collects every script response of a page from now on. */
function watchScripts(page: Page): () => Promise<ScriptBytes> {
  const responses: Response[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') responses.push(response);
  });
  return async () => {
    const measured = await Promise.all(
      responses.map(async (response) => ({
        served: (await response.request().sizes()).responseBodySize,
        gzip: gzipSync(await response.body(), { level: 9 }).length,
        encoding: (await response.allHeaders())['content-encoding'] ?? 'identity',
      })),
    );
    return {
      scripts: measured.length,
      servedBytes: measured.reduce((sum, m) => sum + m.served, 0),
      gzipBytes: measured.reduce((sum, m) => sum + m.gzip, 0),
      contentEncodings: [...new Set(measured.map((m) => m.encoding))],
    };
  };
}

interface Run {
  ms: number;
  firstPage: ScriptBytes;
  throughDashboard: ScriptBytes;
}

async function signInToDashboard(
  browser: Browser,
  origin: string,
  reader: Person,
  controls: number,
): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    const scripts = watchScripts(page);
    await page.goto(`${origin}/`, { waitUntil: 'networkidle' });
    await page.getByLabel('Email').fill(reader.email);
    await page.getByLabel('Password').fill(reader.password);
    const firstPage = await scripts();

    const started = performance.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    const rows = page.getByRole('table', { name: /Every control/ }).locator('tbody tr');
    await rows
      .nth(controls - 1)
      .waitFor({ state: 'visible' })
      .catch(async (error: Error) => {
        const shown = await page.locator('body').innerText();
        throw new Error(`${error.message}\nat ${page.url()} the page shows:\n${shown}`);
      });
    const ms = performance.now() - started;

    if (!page.url().endsWith(`/accounts/${reader.accountId}`)) {
      throw new Error(`signed in, landed on ${page.url()}, not the account's dashboard`);
    }
    if ((await rows.count()) !== controls) throw new Error('the dashboard shows extra rows');
    return { ms, firstPage, throughDashboard: await scripts() };
  } finally {
    await context.close();
  }
}

async function main() {
  const env = process.env as unknown as StackEnv;
  const demo = await seedDemoQuietly(env, firestore());
  await evaluateSeededAccounts(env, demo);
  const reader = demoReader(demo);

  const token = await mintIdToken(env.FIREBASE_AUTH_EMULATOR_HOST, reader.uid);
  const listed = await fetch(
    `${env.EVIDENCE_API_URL}/compliance/controls?accountId=${encodeURIComponent(reader.accountId)}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  if (!listed.ok) throw new Error(`GET /compliance/controls answered ${listed.status}`);
  const controls = ((await listed.json()) as { controls: unknown[] }).controls.length;

  const origin = new URL(env.EVIDENCE_API_URL).origin;
  const browser = await launchChromium();
  try {
    const warmUp = await signInToDashboard(browser, origin, reader, controls);
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++)
      runs.push(await signInToDashboard(browser, origin, reader, controls));
    const times = runs.map((r) => r.ms).sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        bench: 'portal',
        account: reader.accountId,
        signedInAs: reader.role,
        controls,
        runs: RUNS,
        warmUpMs: Math.round(warmUp.ms),
        signInToDashboardMedianMs: Math.round(percentile(times, 50)),
        signInToDashboardP95Ms: Math.round(percentile(times, 95)),
        firstPageJs: runs[0].firstPage,
        jsThroughDashboard: runs[0].throughDashboard,
      }),
    );
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
