/**
 * An account of 50,000 members end to end (issue 13: "report complete; bundle builds; no document
 * over 1 MiB anywhere"). One account is seeded with `--members` members and their Firebase Auth
 * users (triggers off, their work completed in-process: quietSeeding.ts), then:
 *
 *   1. an access-review campaign is created through the API (one entry document per member);
 *   2. the evidence report is requested cold over HTTP through Hosting: status, `complete`,
 *      latency, bytes, and (from one in-process build, same code) reads by source;
 *   3. the quarter-to-date bundle is built by archivePeriod in a child process (its peak RSS is
 *      the build's own), downloaded and checked by the offline verifier;
 *   4. every document under the account (all subcollections, at any depth, the archive index and
 *      its state chunks included) is sized as Firestore sizes it; none may exceed 1 MiB.
 *
 * Prints one JSON line with the figures; exits 1 when any check fails.
 *
 *   STACK_PORT_OFFSET=600 npm run bench -- --only largeMembership [--members 50000] [--events 10000]
 *
 * `--account ID` measures an account seeded by an earlier run in the same stack instead of
 * seeding one; `--no-campaign` skips step 1.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Deps } from '../functions/app/deps';
import { archiveDepsFrom, archivePeriod } from '../functions/bundle/archive';
import { latestArchive } from '../functions/bundle/archiveIndex';
import { customPeriod, type Period } from '../functions/bundle/period';
import { verifyBundle } from '../functions/bundle/verify';
import { quarterContaining } from '../functions/domain/quarter';
import { levelOf } from '../functions/domain/roles';
import { DAY_MS } from '../functions/domain/time';
import type { Caller } from '../functions/domain/caller';
import { createAccessReview } from '../functions/accessReviews/campaigns';
import { accountSchema } from '../functions/schema/documents';
import { buildReport, type ReportStats } from '../functions/report/buildReport';
import { invalidateAccountCache } from '../functions/report/cache';
import { accountPath } from '../functions/schema/paths';
import { mintIdToken } from '../scripts/localStack/idTokens';
import type { StackEnv } from '../scripts/localStack/types';
import { seedLargeAccount } from '../scripts/seed/builders';
import { mulberry32 } from '../scripts/seed/rng';
import { largestDocuments } from './documentScan';
import { MAX_DOCUMENT_BYTES } from './documentSize';
import { completeTriggerWork, withoutTriggers } from './quietSeeding';
import { stackDeps } from './stackDeps';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}

const env = process.env as unknown as StackEnv;
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/**
 * The quarter so far: every seeded event (the last 29 days) falls in it on any day but its first.
 * On an account measured again (`--account`), from the end of its latest bundle on (the chain
 * refuses an overlap).
 */
async function quarterToDate(deps: Deps, accountId: string, now: Date): Promise<Period> {
  const latest = await latestArchive(deps.db, accountId);
  const start = latest.status === 'ok' ? latest.index.periodEnd : quarterContaining(now).start;
  return customPeriod(start, now, now);
}

async function seed(deps: Deps, accountId: string, members: number, events: number, now: Date) {
  const seeded = await timed(() =>
    withoutTriggers(() =>
      seedLargeAccount(deps.db, deps.auth, accountId, {
        members,
        events,
        now,
        rng: mulberry32(13),
        days: 29,
      }),
    ),
  );
  const completed = await timed(() => completeTriggerWork(deps.db, accountId, now, events));
  console.log(
    `seeded ${accountId}: ${members} members, ${events} events in ${seconds(seeded.ms)} s, ` +
      `trigger work in ${seconds(completed.ms)} s`,
  );
  return { owner: seeded.value.uids[0], seedSeconds: seconds(seeded.ms + completed.ms) };
}

async function api(path: string, token: string, init: RequestInit = {}) {
  const started = performance.now();
  const response = await fetch(`${env.EVIDENCE_API_URL}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  const body = Buffer.from(await response.arrayBuffer());
  return { response, body, ms: performance.now() - started };
}

/**
 * An access-review campaign through the API, as a reviewer would start it. Freezing 50,000
 * members may outlast the API's 60 s request timeout (Hosting's, and the emulator's); the
 * answer is recorded and the campaign is then created in-process with the same code, so its
 * entry documents and access-reviews.json are still measured.
 */
async function createCampaign(deps: Deps, accountId: string, owner: string, token: string) {
  const now = deps.now();
  const body = {
    accountId,
    title: 'Large account review',
    dueDate: new Date(now.getTime() + 14 * DAY_MS).toISOString().slice(0, 10),
  };
  const {
    response,
    body: answer,
    ms,
  } = await api('/access-reviews', token, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  const overHttp = { campaignStatus: response.status, campaignHttpSeconds: seconds(ms) };
  if (response.ok) {
    const review = JSON.parse(answer.toString()) as { entryCount?: number };
    return { ...overHttp, campaignEntries: review.entryCount };
  }
  console.log(`access review answered ${response.status}: ${answer.toString().slice(0, 200)}`);
  const account = accountSchema.parse((await deps.db.doc(accountPath(accountId)).get()).data());
  const caller: Caller = { uid: owner, accountId, role: 'owner', level: levelOf('owner'), account };
  const inProcess = await timed(() => createAccessReview(deps, caller, body));
  return {
    ...overHttp,
    campaignInProcessSeconds: seconds(inProcess.ms),
    campaignEntries: inProcess.value.entryCount,
  };
}

async function coldReport(deps: Deps, accountId: string, token: string) {
  await invalidateAccountCache(deps, accountId);
  const path = `/soc2-evidence?accountId=${encodeURIComponent(accountId)}`;
  const { response, body, ms } = await api(path, token);
  const report = response.status === 200 ? (JSON.parse(body.toString()) as Report) : undefined;
  // Where the reads go, from one in-process build of the same code.
  const stats: ReportStats = { documentsRead: 0 };
  await buildReport(deps, accountId, { stats });
  return {
    reportStatus: response.status,
    reportComplete: report?.complete === true,
    reportCompleteHeader: response.headers.get('x-evidence-complete'),
    reportMs: Math.round(ms),
    reportMB: mb(body.length),
    reportMembers: report?.sections.accessReview?.data?.totals?.members,
    incompleteSections: Object.entries(report?.sections ?? {})
      .filter(([, s]) => s.status !== 'ok')
      .map(([key, s]) => `${key}: ${s.error?.message ?? s.status}`),
    documentReads: stats.documentsRead,
    readsBySource: stats.readsBySource,
    sectionMs: stats.sectionMs,
  };
}

interface Report {
  complete: boolean;
  sections: Record<
    string,
    { status: string; error?: { message: string }; data?: { totals?: { members?: number } } }
  >;
}

/** In a child process: archive the period, print one JSON line (its own peak RSS included). */
async function archiveChild(accountId: string, start: string, end: string): Promise<void> {
  const deps = stackDeps();
  const period = customPeriod(new Date(start), new Date(end), new Date());
  const built = await timed(() => archivePeriod(archiveDepsFrom(deps), accountId, period));
  const { index } = built.value;
  console.log(
    JSON.stringify({
      status: built.value.status,
      objectPath: index.objectPath,
      buildMs: Math.round(built.ms),
      size: index.size,
      eventCount: index.eventCount,
      sectionStatuses: index.sectionStatuses,
      // maxRSS is in kilobytes: the process's peak, not a sample.
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    }),
  );
}

async function bundle(deps: Deps, accountId: string, period: Period) {
  const child = spawnSync(
    process.execPath,
    [
      __filename,
      '--archive',
      accountId,
      '--start',
      period.start.toISOString(),
      '--end',
      period.end.toISOString(),
    ],
    { encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 },
  );
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(`bundle build failed (exit ${child.status}):\n${child.stderr.slice(-4000)}`);
  }
  const built = JSON.parse(line) as {
    objectPath: string;
    buildMs: number;
    size: number;
    eventCount: number;
    sectionStatuses: Record<string, string>;
    peakRssBytes: number;
  };
  const dir = await mkdtemp(join(tmpdir(), 'bench-large-'));
  try {
    const zipPath = join(dir, 'bundle.zip');
    await pipeline(
      deps.evidenceStore().createReadStream(built.objectPath),
      createWriteStream(zipPath),
    );
    const publicKeyPem = await deps.signer().publicKeyPem();
    const verified = await timed(() =>
      verifyBundle(zipPath, {
        publicKeyPem,
        expectedAccountId: accountId,
        expectedPeriodId: period.id,
      }),
    );
    return {
      bundleSeconds: seconds(built.buildMs),
      bundleZipMB: mb(built.size),
      bundleEvents: built.eventCount,
      bundlePeakRssMB: mb(built.peakRssBytes),
      bundleSectionsNotOk: Object.entries(built.sectionStatuses)
        .filter(([, status]) => status !== 'ok')
        .map(([key]) => key),
      verifyOk: verified.value.ok,
      verifySeconds: seconds(verified.ms),
      verifyFailures: verified.value.checks
        .filter((c) => !c.ok)
        .map((c) => `${c.name}: ${c.detail}`),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const members = Number(option('members') ?? 50_000);
  const events = Number(option('events') ?? 10_000);
  const deps = stackDeps();
  // `--account ID` measures an account an earlier run seeded (its members and events options).
  const reused = option('account');
  const accountId = reused ?? `bench-members-${Date.now().toString(36)}`;
  const now = new Date();
  const { owner, seedSeconds } = reused
    ? { owner: `${reused}-user-00001`, seedSeconds: undefined }
    : await seed(deps, accountId, members, events, now);
  const token = await mintIdToken(env.FIREBASE_AUTH_EMULATOR_HOST, owner);

  const campaign = process.argv.includes('--no-campaign')
    ? {}
    : await createCampaign(deps, accountId, owner, token);
  console.log(`campaign: ${JSON.stringify(campaign)}`);
  const report = await coldReport(deps, accountId, token);
  console.log(`report: ${JSON.stringify(report)}`);
  const built = await bundle(deps, accountId, await quarterToDate(deps, accountId, new Date()));
  console.log(`bundle: ${JSON.stringify(built)}`);
  const scan = await timed(() => largestDocuments(env, accountPath(accountId), 3));
  const row = {
    bench: 'largeMembership',
    accountId,
    members,
    events,
    seedSeconds,
    ...campaign,
    ...report,
    ...built,
    documentsScanned: scan.value.scanned,
    scanSeconds: seconds(scan.ms),
    largestDocuments: scan.value.largest,
    maxDocumentBytes: scan.value.largest[0]?.bytes ?? 0,
  };
  console.log(JSON.stringify(row));
  const failures = [
    report.reportStatus !== 200 && `report answered ${report.reportStatus}`,
    !report.reportComplete && 'report not complete',
    !built.verifyOk && 'bundle does not verify',
    row.maxDocumentBytes > MAX_DOCUMENT_BYTES && `a document is ${row.maxDocumentBytes} bytes`,
  ].filter(Boolean);
  if (failures.length > 0) {
    console.error(`largeMembership failed: ${failures.join('; ')}`);
    process.exitCode = 1;
  }
}

const exitWhenDone = (work: Promise<void>) =>
  work.then(
    () => process.exit(),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
const archiveAccount = option('archive');
exitWhenDone(
  archiveAccount ? archiveChild(archiveAccount, option('start')!, option('end')!) : main(),
);
