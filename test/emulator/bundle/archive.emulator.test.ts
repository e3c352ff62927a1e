import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Storage } from '@google-cloud/storage';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import type { Deps } from '../../../functions/app/deps';
import {
  archiveDepsFrom,
  archivePeriod,
  type ArchiveDeps,
} from '../../../functions/bundle/archive';
import { parseQuarter } from '../../../functions/bundle/period';
import { DAY_MS } from '../../../functions/domain/time';
import { verifyBundle } from '../../../functions/bundle/verify';
import {
  bundleJobRequester,
  makeQuarterlyArchiveHandler,
} from '../../../functions/handlers/reportJobs';
import { jobBuilder } from '../../../functions/reportJobs/build';
import { readReportJob, requestReport, runReportJob } from '../../../functions/reportJobs/jobs';
import { oscalErrors } from '../../support/oscalSchema';
import { findControl } from '../../../functions/compliance/controlCatalog';
import { newAutoFinding } from '../../../functions/compliance/findings';
import type { Manifest } from '../../../functions/schema/bundle';
import type {
  ControlDayDoc,
  ControlTestResult,
  FindingDoc,
  IncidentDoc,
} from '../../../functions/schema/compliance';
import { subcollectionPath } from '../../../functions/schema/paths';
import type { EvidenceReport } from '../../../functions/schema/evidence';
import { SECTION_TITLES } from '../../../functions/schema/report';
import { auditLogDoc, writeDocs } from '../../../scripts/seed/builders';
import { opensslVerify, readZip, tempDir } from '../../support/bundleZip';
import { BUILD_TIMEOUT_MS, heldQueue, pollApi } from '../../support/reportJobs';
import { testDeps } from '../../support/deps';
import { readPdf } from '../../support/reportFixtures';
import { openApiErrors } from '../../support/openApiValidator';
import {
  addMember,
  callApi,
  createAccount,
  db,
  idTokenFor,
  uniqueAccountId,
} from '../../support/world';

const Q3 = parseQuarter('2026-Q3');
const Q4 = parseQuarter('2026-Q4');
/** After Q4 ended: both quarters may be archived. */
const NOW = new Date('2027-01-01T02:00:00Z');

const depsAt = (now = NOW): Deps => testDeps({ now: () => now });
const archiveDeps = (overrides: Partial<ArchiveDeps> = {}): ArchiveDeps => ({
  ...archiveDepsFrom(depsAt()),
  ...overrides,
});

const bucketName = () => process.env.EVIDENCE_BUCKET!;
const publicKeyPem = () => testDeps().signer().publicKeyPem();

async function objectsOf(accountId: string): Promise<string[]> {
  const store = new Storage({ projectId: process.env.GCLOUD_PROJECT });
  const [files] = await store
    .bucket(bucketName())
    .getFiles({ prefix: `evidence-bundles/${accountId}/` });
  return files.map((f) => f.name);
}

async function download(objectPath: string, dir = tempDir()): Promise<string> {
  const path = join(dir, objectPath.replace(/\//g, '_'));
  await pipeline(testDeps().evidenceStore().createReadStream(objectPath), createWriteStream(path));
  return path;
}

/** An enterprise account with events around the Q3/Q4 boundaries and one malformed event. */
async function accountWithEvents(prefix: string): Promise<string> {
  const accountId = await createAccount(uniqueAccountId(prefix));
  await addMember(accountId, { role: 'owner' });
  await addMember(accountId, { role: 'admin', displayName: 'Zoë Łukasiewicz' });
  await addMember(accountId, { role: 'auditor', displayName: '山田太郎' });
  await writeDocs(db, [
    auditLogDoc(accountId, 'before-q3', { timestamp: new Date(Q3.start.getTime() - 1) }),
    auditLogDoc(accountId, 'at-q3-start', { timestamp: Q3.start }),
    auditLogDoc(accountId, 'mid-q3', {
      timestamp: new Date('2026-08-15T12:00:00Z'),
      action: 'role.assign',
    }),
    auditLogDoc(accountId, 'last-ms-of-q3', { timestamp: new Date(Q3.end.getTime() - 1) }),
    auditLogDoc(accountId, 'at-q4-start', { timestamp: Q4.start }),
    {
      path: `${subcollectionPath(accountId, 'auditLogs')}/malformed-q3`,
      data: { timestamp: new Date('2026-09-01T00:00:00Z'), action: 'NOT DOTTED', result: 'maybe' },
    },
  ]);
  return accountId;
}

/**
 * Compliance records around Q3: a control day, a finding and an incident inside the quarter, and
 * one of each outside it (a day at the exclusive end, a finding remediated before the start, an
 * incident detected after the end), plus a malformed incident that must be listed, not dropped.
 */
async function seedComplianceAroundQ3(accountId: string): Promise<void> {
  const at = (iso: string) => new Date(iso);
  const result = (evaluatedAt: Date): ControlTestResult => ({
    controlId: 'owner-limit',
    status: 'fail',
    measured: 4,
    threshold: 'owners ≤ 3',
    detail: '4 active owners',
    offenders: ['u1', 'u2', 'u3', 'u4'],
    evidence: [{ source: 'report', section: 'accessReview', pointer: '/members' }],
    evaluatedAt: evaluatedAt.toISOString(),
  });
  const day = (date: string): ControlDayDoc => ({
    controlId: 'owner-limit',
    day: date,
    first: result(at(`${date}T04:00:00Z`)),
    last: result(at(`${date}T04:00:00Z`)),
    statusesSeen: ['fail'],
    evaluations: 1,
  });
  const ownerLimit = findControl('owner-limit')!;
  const remediatedBeforeQ3: FindingDoc = {
    ...newAutoFinding(ownerLimit, result(at('2026-03-01T04:00:00Z')), at('2026-03-01T04:00:00Z')),
    status: 'remediated',
    updatedAt: at('2026-06-15T00:00:00Z'),
  };
  const incident = (title: string, detectedAt: Date): IncidentDoc => ({
    title,
    severity: 'P2',
    description: 'A provider key was posted in a public channel.',
    affectedSystems: ['api'],
    detectedAt,
    detectedBy: 'secret scanner',
    phase: 'closed',
    timeline: [{ at: detectedAt, by: 'oncall', kind: 'response', description: 'Key revoked.' }],
    createdAt: detectedAt,
    createdBy: 'oncall',
    updatedAt: detectedAt,
    history: [],
  });
  const results = subcollectionPath(accountId, 'controlResults');
  const findings = subcollectionPath(accountId, 'findings');
  const incidents = subcollectionPath(accountId, 'incidents');
  await writeDocs(db, [
    { path: `${results}/owner-limit/days/2026-08-01`, data: day('2026-08-01') },
    { path: `${results}/owner-limit/days/2026-10-01`, data: day('2026-10-01') },
    {
      path: `${findings}/in-q3`,
      data: newAutoFinding(
        ownerLimit,
        result(at('2026-08-01T04:00:00Z')),
        at('2026-08-01T04:00:00Z'),
      ),
    },
    { path: `${findings}/before-q3`, data: remediatedBeforeQ3 },
    { path: `${incidents}/in-q3`, data: incident('Leaked key', at('2026-09-10T08:00:00Z')) },
    { path: `${incidents}/after-q3`, data: incident('Later outage', at('2026-10-05T08:00:00Z')) },
    { path: `${incidents}/malformed`, data: { title: 'no severity', detectedAt: 'yesterday' } },
  ]);
}

const lineIds = async (zipPath: string) => {
  const log = new Map(await readZip(zipPath)).get('audit-log.ndjson')!.toString('utf8');
  return log
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { id: string }).id);
};

describe('quarterly evidence bundles in the emulator stack', () => {
  let accountId: string;
  let q3Path: string;
  let q3Manifest: Manifest;
  let q3ManifestBytes: Buffer;
  const dir = tempDir();

  beforeAll(async () => {
    accountId = await accountWithEvents('arch');
    const outcome = await archivePeriod(archiveDeps(), accountId, Q3);
    expect(outcome.status).toBe('archived');
    q3Path = await download(outcome.index.objectPath, dir);
    const entries = new Map(await readZip(q3Path));
    q3ManifestBytes = entries.get('manifest.json')!;
    q3Manifest = JSON.parse(q3ManifestBytes.toString('utf8')) as Manifest;
  });

  it('a stored bundle verifies offline with the public key', async () => {
    const result = await verifyBundle(q3Path, {
      publicKeyPem: await publicKeyPem(),
      expectedKeyId: process.env.SIGNING_KEY_ID,
      expectedAccountId: accountId,
      expectedPeriodId: '2026-Q3',
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('report.pdf reads back with every section title, every member, its fonts embedded', async () => {
    const entries = new Map(await readZip(q3Path));
    const report = JSON.parse(entries.get('report.json')!.toString('utf8')) as EvidenceReport;
    const pdf = readPdf(entries.get('report.pdf')!, dir);
    for (const title of Object.values(SECTION_TITLES)) expect(pdf.text).toContain(title);
    const members = report.sections.accessReview!.data.members;
    expect(members).toHaveLength(3);
    for (const m of members) {
      expect(pdf.text).toContain(m.email);
      expect(pdf.text).toContain(m.displayName);
    }
    expect(pdf.text).toContain('Zoë Łukasiewicz');
    expect(pdf.text).toContain('山田太郎');
    expect(pdf.text).toContain(q3Manifest.merkle.root);
    expect(pdf.pages).toBeGreaterThan(1);
    expect(pdf.text).toContain(`Page ${pdf.pages} of ${pdf.pages}`);
    expect(pdf.fonts.length).toBeGreaterThan(0);
    for (const font of pdf.fonts) expect(font.embedded).toBe('yes');
  });

  it('openssl pkeyutl verifies manifest.sig over manifest.json', async () => {
    const entries = new Map(await readZip(q3Path));
    const out = opensslVerify(
      entries.get('manifest.json')!,
      entries.get('manifest.sig')!,
      await publicKeyPem(),
    );
    expect(out).toBe('Signature Verified Successfully');
  });

  it('the built CLI verifies it (npx soc2-evidence from the project root)', async () => {
    const keyPath = join(dir, 'cli-key.pem');
    writeFileSync(keyPath, await publicKeyPem());
    const run = spawnSync(
      'npx',
      ['--no-install', 'soc2-evidence', 'verify', q3Path, '--public-key', keyPath],
      { cwd: join(__dirname, '../../..'), encoding: 'utf8' },
    );
    expect(run.stdout).toContain('bundle verified');
    expect(run.status).toBe(0);
  });

  it("compliance.json holds the period's control results, findings and incidents, and only those", async () => {
    const other = await accountWithEvents('arch-cmp');
    await seedComplianceAroundQ3(other);
    const outcome = await archivePeriod(archiveDeps(), other, Q3);
    const path = await download(outcome.index.objectPath);
    const entries = new Map(await readZip(path));
    const compliance = JSON.parse(entries.get('compliance.json')!.toString('utf8')) as {
      periodStart: string;
      periodEnd: string;
      controlResults: { controlId: string; day: string }[];
      findings: { id: string; controlId: string; createdAt: string }[];
      incidents: { id: string; title: string; responseSla: unknown }[];
      malformed: { findings: unknown[]; incidents: { id: string }[] };
    };
    expect(compliance).toMatchObject({
      periodStart: Q3.start.toISOString(),
      periodEnd: Q3.end.toISOString(),
      malformedControlResults: 0,
    });
    expect(compliance.controlResults.map((r) => [r.controlId, r.day])).toEqual([
      ['owner-limit', '2026-08-01'],
    ]);
    expect(compliance.findings).toEqual([
      expect.objectContaining({
        id: 'in-q3',
        controlId: 'owner-limit',
        status: 'open',
        createdAt: '2026-08-01T04:00:00.000Z',
      }),
    ]);
    expect(compliance.incidents).toEqual([
      expect.objectContaining({ id: 'in-q3', title: 'Leaked key', phase: 'closed' }),
    ]);
    expect(compliance.malformed.findings).toEqual([]);
    expect(compliance.malformed.incidents.map((m) => m.id)).toEqual(['malformed']);
    // The same period as OSCAL: valid, one observation per stored result, one finding per finding.
    const oscal = JSON.parse(entries.get('oscal-assessment-results.json')!.toString('utf8'));
    expect(oscalErrors(oscal)).toEqual([]);
    const [assessed] = oscal['assessment-results'].results;
    expect(assessed.start).toBe(Q3.start.toISOString());
    expect(assessed.observations).toHaveLength(1);
    expect(
      assessed.findings.map(
        (f: { props: { name: string; value: string }[] }) =>
          f.props.find((p) => p.name === 'finding-id')?.value,
      ),
    ).toEqual(['in-q3']);
    const result = await verifyBundle(path, {
      publicKeyPem: await publicKeyPem(),
      expectedAccountId: other,
      expectedPeriodId: '2026-Q3',
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.manifest?.files.map((f) => f.name)).toContain('compliance.json');
  });

  it('events exactly at the period boundaries land in the right bundle', async () => {
    expect(await lineIds(q3Path)).toEqual([
      'at-q3-start',
      'mid-q3',
      'malformed-q3',
      'last-ms-of-q3',
    ]);
    expect(q3Manifest).toMatchObject({ eventCount: 4, malformedEventCount: 1 });
    const q4 = await archivePeriod(archiveDeps(), accountId, Q4);
    expect(await lineIds(await download(q4.index.objectPath))).toEqual(['at-q4-start']);
  });

  it('a rerun reports "already archived" and leaves exactly one object', async () => {
    const before = await db
      .doc(`${subcollectionPath(accountId, 'evidenceArchives')}/2026-Q3`)
      .get();
    const rerun = await archivePeriod(archiveDeps(), accountId, Q3);
    expect(rerun.status).toBe('already_archived');
    expect(rerun.index.sha256).toBe((before.data() as { sha256: string }).sha256);
    expect((await objectsOf(accountId)).filter((n) => n.endsWith('/2026-Q3.zip'))).toHaveLength(1);
  });

  it('two consecutive quarters chain, and a broken link is reported', async () => {
    const q4 = await archivePeriod(archiveDeps(), accountId, Q4);
    expect(q4.index.previousManifestSha256).toBe(
      createHash('sha256').update(q3ManifestBytes).digest('hex'),
    );
    const q4Path = await download(q4.index.objectPath);
    const linked = await verifyBundle(q4Path, {
      publicKeyPem: await publicKeyPem(),
      previousManifest: q3ManifestBytes,
    });
    expect(linked.checks.find((c) => c.name === 'chain')).toMatchObject({ ok: true });
    const broken = await verifyBundle(q4Path, {
      publicKeyPem: await publicKeyPem(),
      previousManifest: Buffer.concat([q3ManifestBytes, Buffer.from(' ')]),
    });
    expect(broken.ok).toBe(false);
    expect(broken.checks.find((c) => c.name === 'chain')?.detail).toMatch(
      /^previous manifest has sha256 [0-9a-f]{64}; this manifest links to /,
    );
  });

  it('an object left without its index (a run cut after the upload) is verified and indexed, not rebuilt', async () => {
    const other = await accountWithEvents('arch-orphan');
    const first = await archivePeriod(archiveDeps(), other, Q3);
    await db.doc(`${subcollectionPath(other, 'evidenceArchives')}/2026-Q3`).delete();
    const again = await archivePeriod(archiveDeps(), other, Q3);
    expect(again.status).toBe('recovered');
    expect(again.index.sha256).toBe(first.index.sha256);
    expect(again.index.manifestSha256).toBe(first.index.manifestSha256);
    expect(await objectsOf(other)).toEqual([`evidence-bundles/${other}/2026-Q3.zip`]);
  });

  it('an upload that fails half way leaves no object and no index', async () => {
    const other = await accountWithEvents('arch-fail');
    const failing: ArchiveDeps['events'] = async function* (a, s, e) {
      let n = 0;
      for await (const item of archiveDepsFrom(depsAt()).events(a, s, e)) {
        if (++n === 2) throw new Error('Firestore went away');
        yield item;
      }
    };
    await expect(archivePeriod(archiveDeps({ events: failing }), other, Q3)).rejects.toThrow(
      'Firestore went away',
    );
    expect(await objectsOf(other)).toEqual([]);
    expect(
      (await db.doc(`${subcollectionPath(other, 'evidenceArchives')}/2026-Q3`).get()).exists,
    ).toBe(false);
  });
});

describe('the quarterly schedule', () => {
  const SCHEDULED_AT = new Date('2026-10-01T02:00:00Z');
  const firstDelivery = { retryCount: 0, maxAttempts: 8 };

  it('asks for the ended quarter per enterprise account; a failing build is retried without holding up the next', async () => {
    const failingAccount = await accountWithEvents('sched-fail');
    const healthyAccount = await accountWithEvents('sched-ok');
    const proAccount = await createAccount(uniqueAccountId('sched-pro'), { plan: 'pro' });
    const mine = new Set([failingAccount, healthyAccount, proAccount]);
    const asked: string[] = [];
    const held = heldQueue();
    const deps = testDeps({ now: () => SCHEDULED_AT, reportQueue: () => held.queue });
    // The real scheduled function; jobs are asked for only in our accounts (the stack holds other
    // tests' accounts too), and their tasks are held here to be delivered by hand.
    const scheduled = onSchedule(
      { schedule: '0 2 1 1,4,7,10 *', timeZone: 'UTC' },
      makeQuarterlyArchiveHandler(
        () => deps,
        (d) => async (accountId, period) => {
          if (!mine.has(accountId)) return;
          asked.push(`${accountId} ${period.id}`);
          await bundleJobRequester(d)(accountId, period);
        },
      ),
    );
    await (scheduled as unknown as { run(data: unknown): Promise<void> }).run({
      scheduleTime: SCHEDULED_AT.toISOString(),
      jobName: 'archiveQuarterlyEvidence',
    });
    expect(asked.sort()).toEqual([`${failingAccount} 2026-Q3`, `${healthyAccount} 2026-Q3`].sort());
    expect(held.tasks.map((t) => [t.accountId, t.jobId, t.generation]).sort()).toEqual(
      [
        [failingAccount, 'soc2-2026-Q3', 1],
        [healthyAccount, 'soc2-2026-Q3', 1],
      ].sort(),
    );

    // Fault injection: the report source is down for one account on the first delivery.
    const faulty = jobBuilder(depsAt(), () =>
      archiveDeps({
        report: async (id, asOf) => {
          if (id === failingAccount) throw new Error('report backend down');
          return archiveDepsFrom(depsAt()).report(id, asOf);
        },
      }),
    );
    const taskOf = (accountId: string) => held.tasks.find((t) => t.accountId === accountId)!;
    await expect(
      runReportJob(depsAt(), faulty, taskOf(failingAccount), firstDelivery),
    ).rejects.toThrow('report backend down');
    expect(await runReportJob(depsAt(), faulty, taskOf(healthyAccount), firstDelivery)).toBe(
      'ready',
    );
    expect(await readReportJob(db, failingAccount, 'soc2-2026-Q3')).toMatchObject({
      state: 'queued',
      attempts: 1,
      error: { code: 'retrying' },
    });
    // The queue's retry succeeds once the fault is gone; a duplicate delivery does nothing.
    const retry = { retryCount: 1, maxAttempts: 8 };
    const healthy = jobBuilder(depsAt());
    expect(await runReportJob(depsAt(), healthy, taskOf(failingAccount), retry)).toBe('ready');
    expect(await runReportJob(depsAt(), healthy, taskOf(failingAccount), retry)).toBe('skipped');
    expect(await readReportJob(db, failingAccount, 'soc2-2026-Q3')).toMatchObject({
      state: 'ready',
      attempts: 2,
      error: null,
      result: { objectPath: `evidence-bundles/${failingAccount}/2026-Q3.zip` },
    });
    expect(await objectsOf(failingAccount)).toEqual([
      `evidence-bundles/${failingAccount}/2026-Q3.zip`,
    ]);
  });

  it('the last attempt marks the job failed without exposing the cause', async () => {
    const accountId = await accountWithEvents('sched-last');
    const held = heldQueue();
    await requestReport(testDeps({ reportQueue: () => held.queue }), {
      accountId,
      reportType: 'soc2',
      format: 'zip',
      period: Q3,
      criteria: [],
      requestedBy: 'schedule',
    });
    const broken = jobBuilder(depsAt(), () =>
      archiveDeps({
        report: async () => {
          throw new Error('secret internal detail');
        },
      }),
    );
    const last = { retryCount: 7, maxAttempts: 8 };
    expect(await runReportJob(depsAt(), broken, held.tasks[0], last)).toBe('failed');
    const job = await readReportJob(db, accountId, 'soc2-2026-Q3');
    expect(job).toMatchObject({ state: 'failed', error: { code: 'internal' } });
    expect(job?.error?.message).toContain('failed 8 times');
    expect(job?.error?.message).not.toContain('secret internal detail');
  });

  it('a task with a malformed payload is dropped, not retried', async () => {
    expect(
      await runReportJob(
        depsAt(),
        jobBuilder(depsAt()),
        { accountId: 'a/b', jobId: 'x' },
        {
          retryCount: 0,
          maxAttempts: 8,
        },
      ),
    ).toBe('skipped');
  });
});

describe('archive routes', () => {
  let accountId: string;
  let ownerToken: string;
  let auditorToken: string;
  let memberToken: string;

  beforeAll(async () => {
    accountId = await accountWithEvents('arch-api');
    ownerToken = await idTokenFor((await addMember(accountId, { role: 'owner' })).uid);
    auditorToken = await idTokenFor((await addMember(accountId, { role: 'auditor' })).uid);
    memberToken = await idTokenFor((await addMember(accountId, { role: 'member' })).uid);
  });

  const create = (token: string, body: unknown) =>
    callApi('/soc2-archives', { method: 'POST', token, body });

  const listOf = (token: string, id = accountId) =>
    callApi('/soc2-archives', { token, query: { accountId: id } });
  const entryOf = (json: unknown, id: string) =>
    (json as { archives: { id: string; state: string }[] }).archives.find((a) => a.id === id);
  const untilState = (token: string, id: string, archiveId: string, state: string) =>
    pollApi(
      '/soc2-archives',
      token,
      { accountId: id },
      (json) => entryOf(json, archiveId)?.state === state,
      `archive ${archiveId} ${state}`,
    );

  it(
    'an owner asks for a bundle: 202 building at once, built by the task queue, then 200 with it',
    async () => {
      const body = {
        accountId,
        periodStart: Q3.start.toISOString(),
        periodEnd: Q3.end.toISOString(),
      };
      const first = await create(ownerToken, body);
      expect(first.status).toBe(202);
      expect(first.json).toEqual({
        archive: {
          id: '2026-Q3',
          state: 'building',
          periodStart: Q3.start.toISOString(),
          periodEnd: Q3.end.toISOString(),
          requestedAt: expect.any(String),
          jobId: 'soc2-2026-Q3',
        },
      });
      expect(openApiErrors('POST', '/api/soc2-archives', 202, first.json)).toEqual([]);
      await untilState(auditorToken, accountId, '2026-Q3', 'ready');
      const second = await create(ownerToken, body);
      expect(second.status).toBe(200);
      expect(openApiErrors('POST', '/api/soc2-archives', 200, second.json)).toEqual([]);
      expect(second.json).toMatchObject({
        archive: { id: '2026-Q3', state: 'ready', eventCount: 4 },
      });
    },
    BUILD_TIMEOUT_MS + 30_000,
  );

  it.each([
    [
      { periodStart: '2026-07-01', periodEnd: '2026-10-01T00:00:00Z' },
      'periodStart: periodStart must be an ISO-8601 date-time',
    ],
    [
      { periodStart: '2026-10-01T00:00:00Z', periodEnd: '2026-07-01T00:00:00Z' },
      'periodEnd: must be after periodStart',
    ],
    [
      { periodStart: '2026-07-01T00:00:00Z', periodEnd: '2999-01-01T00:00:00Z' },
      'periodEnd: must not be in the future',
    ],
    [
      { periodStart: '2024-01-01T00:00:00Z', periodEnd: '2025-06-01T00:00:00Z' },
      'periodStart: the period must not be longer than 366 days',
    ],
  ])('a bad period %j is a 400 naming the field', async (period, message) => {
    const answer = await create(ownerToken, { accountId, ...period });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code: 'invalid_argument', message } });
  });

  it('the chain cannot fork: an overlapping or back-dated period is a 400 naming the bundle', async () => {
    const body = {
      accountId,
      periodStart: Q3.start.toISOString(),
      periodEnd: Q3.end.toISOString(),
    };
    expect((await create(ownerToken, body)).status).toBeLessThan(300);
    const refused = [
      [
        'overlapping its end',
        new Date(Q3.end.getTime() - DAY_MS * 10),
        new Date(Q3.end.getTime() + DAY_MS),
      ],
      [
        'inside it',
        new Date(Q3.start.getTime() + DAY_MS),
        new Date(Q3.start.getTime() + DAY_MS * 20),
      ],
      ['before it', new Date(Q3.start.getTime() - DAY_MS * 30), Q3.start],
    ] as const;
    for (const [what, start, end] of refused) {
      const answer = await create(ownerToken, {
        accountId,
        periodStart: start.toISOString(),
        periodEnd: end.toISOString(),
      });
      expect({ what, status: answer.status }).toEqual({ what, status: 400 });
      expect(answer.json).toMatchObject({
        error: {
          code: 'invalid_argument',
          message: expect.stringContaining(`bundle 2026-Q3 covers ${Q3.start.toISOString()}`),
          details: { latestArchive: { id: '2026-Q3', periodEnd: Q3.end.toISOString() } },
        },
      });
    }
    const stored = await db.collection(`accounts/${accountId}/evidenceArchives`).get();
    expect(stored.docs.map((d) => d.id)).toEqual(['2026-Q3']);
  });

  it('an auditor may not build bundles (audit:export)', async () => {
    const answer = await create(auditorToken, {
      accountId,
      periodStart: '2026-01-01T00:00:00Z',
      periodEnd: '2026-04-01T00:00:00Z',
    });
    expect(answer.status).toBe(403);
  });

  it('lists archives newest first and hands out a 15-minute download link to readers', async () => {
    // Q3 2026 and October after it: the HTTP path runs on the real clock, so only past periods,
    // and the chain only grows forward.
    const october = await create(ownerToken, {
      accountId,
      periodStart: Q3.end.toISOString(),
      periodEnd: '2026-11-01T00:00:00.000Z',
    });
    expect(october.status).toBe(202);
    await untilState(auditorToken, accountId, '2026-10-01_2026-11-01', 'ready');
    const list = await callApi('/soc2-archives', { token: auditorToken, query: { accountId } });
    expect(list.status).toBe(200);
    expect(openApiErrors('GET', '/api/soc2-archives', 200, list.json)).toEqual([]);
    const archives = (list.json as { archives: { id: string; state: string }[] }).archives;
    expect(archives.map((a) => [a.id, a.state])).toEqual([
      ['2026-10-01_2026-11-01', 'ready'],
      ['2026-Q3', 'ready'],
    ]);

    const link = await callApi('/soc2-archives/2026-Q3/download', {
      token: auditorToken,
      query: { accountId },
    });
    expect(link.status).toBe(200);
    expect(openApiErrors('GET', '/api/soc2-archives/{archiveId}/download', 200, link.json)).toEqual(
      [],
    );
    const { url, expiresAt } = link.json as { url: string; expiresAt: string };
    expect(url).toContain('X-Goog-Signature=');
    expect(url).toContain('X-Goog-Expires=900');
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(14 * 60 * 1000);
    const fetched = await fetch(url);
    expect(fetched.status).toBe(200);
    const bytes = Buffer.from(await fetched.arrayBuffer());
    const index = await db.doc(`${subcollectionPath(accountId, 'evidenceArchives')}/2026-Q3`).get();
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      (index.data() as { sha256: string }).sha256,
    );
  });

  it('members cannot list, and an archive of another account is not found', async () => {
    expect(
      (await callApi('/soc2-archives', { token: memberToken, query: { accountId } })).status,
    ).toBe(403);
    const other = await accountWithEvents('arch-api-other');
    // `other` has 2026-Q1 archived; asked through the caller's own account id, it does not exist.
    await archivePeriod(archiveDeps(), other, parseQuarter('2026-Q1'));
    await archivePeriod(archiveDeps(), other, Q3);
    const answer = await callApi('/soc2-archives/2026-Q1/download', {
      token: ownerToken,
      query: { accountId },
    });
    expect(answer.status).toBe(404);
    const foreign = await callApi('/soc2-archives/2026-Q3/download', {
      token: ownerToken,
      query: { accountId: other },
    });
    expect(foreign.status).toBe(403);
  });

  it('a bundle not built yet is listed as building and its download is 409 failed_precondition', async () => {
    const other = await accountWithEvents('arch-held');
    const token = await idTokenFor((await addMember(other, { role: 'auditor' })).uid);
    const held = heldQueue();
    // Queued, and held: no build can run before the assertions below.
    await requestReport(testDeps({ reportQueue: () => held.queue }), {
      accountId: other,
      reportType: 'soc2',
      format: 'zip',
      period: Q3,
      criteria: [],
      requestedBy: 'test',
    });
    expect(entryOf((await listOf(token, other)).json, '2026-Q3')).toMatchObject({
      state: 'building',
    });
    const early = await callApi('/soc2-archives/2026-Q3/download', {
      token,
      query: { accountId: other },
    });
    expect(early.status).toBe(409);
    expect(early.json).toMatchObject({
      error: {
        code: 'failed_precondition',
        message: expect.stringContaining('still building'),
        details: { state: 'building' },
      },
    });
    expect(
      openApiErrors('GET', '/api/soc2-archives/{archiveId}/download', 409, early.json),
    ).toEqual([]);
    const delivery = { retryCount: 0, maxAttempts: 8 };
    expect(await runReportJob(testDeps(), jobBuilder(testDeps()), held.tasks[0], delivery)).toBe(
      'ready',
    );
    const late = await callApi('/soc2-archives/2026-Q3/download', {
      token,
      query: { accountId: other },
    });
    expect(late.status).toBe(200);
  });

  it(
    'the same request twice queues one build and names the same job',
    async () => {
      const held = heldQueue();
      const heldAccount = await accountWithEvents('arch-twice-held');
      const request = {
        accountId: heldAccount,
        reportType: 'soc2',
        format: 'zip',
        period: Q3,
        criteria: [],
        requestedBy: 'test',
      } as const;
      const deps = testDeps({ reportQueue: () => held.queue });
      const [a, b] = await Promise.all([
        requestReport(deps, request),
        requestReport(deps, request),
      ]);
      expect([a.jobId, b.jobId]).toEqual(['soc2-2026-Q3', 'soc2-2026-Q3']);
      expect(held.tasks).toEqual([
        { accountId: heldAccount, jobId: 'soc2-2026-Q3', generation: 1 },
      ]);

      // Over HTTP through the real queue: the second answer may already find the bundle built.
      const other = await accountWithEvents('arch-twice');
      const token = await idTokenFor((await addMember(other, { role: 'owner' })).uid);
      const body = {
        accountId: other,
        periodStart: Q3.start.toISOString(),
        periodEnd: Q3.end.toISOString(),
      };
      const answers = await Promise.all([create(token, body), create(token, body)]);
      for (const answer of answers) {
        expect([200, 202]).toContain(answer.status);
        expect(answer.json).toMatchObject({ archive: { id: '2026-Q3' } });
      }
      await untilState(token, other, '2026-Q3', 'ready');
      expect(await readReportJob(db, other, 'soc2-2026-Q3')).toMatchObject({
        state: 'ready',
        generation: 1,
      });
      expect(await objectsOf(other)).toEqual([`evidence-bundles/${other}/2026-Q3.zip`]);
    },
    BUILD_TIMEOUT_MS + 30_000,
  );

  it(
    'a failed build says why, its download is 409, and asking again builds it',
    async () => {
      const other = await accountWithEvents('arch-retry');
      const token = await idTokenFor((await addMember(other, { role: 'owner' })).uid);
      // Fault injection: bytes that are not a bundle sit where the bundle goes. The build must
      // verify an object it did not index, and refuses to replace it.
      const bucket = new Storage({ projectId: process.env.GCLOUD_PROJECT }).bucket(bucketName());
      const squatter = bucket.file(`evidence-bundles/${other}/2026-Q3.zip`);
      await squatter.save(Buffer.from('not a zip'));
      const body = {
        accountId: other,
        periodStart: Q3.start.toISOString(),
        periodEnd: Q3.end.toISOString(),
      };
      expect((await create(token, body)).status).toBe(202);
      const failed = await untilState(token, other, '2026-Q3', 'failed');
      expect(entryOf(failed.json, '2026-Q3')).toMatchObject({
        state: 'failed',
        error: { code: 'failed_precondition', message: expect.stringContaining('does not verify') },
      });
      expect(openApiErrors('GET', '/api/soc2-archives', 200, failed.json)).toEqual([]);
      const refused = await callApi('/soc2-archives/2026-Q3/download', {
        token,
        query: { accountId: other },
      });
      expect(refused.status).toBe(409);
      expect(refused.json).toMatchObject({
        error: { code: 'failed_precondition', message: expect.stringContaining('failed to build') },
      });

      await squatter.delete();
      const again = await create(token, body);
      expect(again.status).toBe(202);
      expect(again.json).toMatchObject({ archive: { state: 'building' } });
      await untilState(token, other, '2026-Q3', 'ready');
      expect(await readReportJob(db, other, 'soc2-2026-Q3')).toMatchObject({ generation: 2 });
      const path = await download(`evidence-bundles/${other}/2026-Q3.zip`);
      const verified = await verifyBundle(path, {
        publicKeyPem: await publicKeyPem(),
        expectedAccountId: other,
        expectedPeriodId: '2026-Q3',
      });
      expect(verified.checks.filter((c) => !c.ok)).toEqual([]);
    },
    2 * BUILD_TIMEOUT_MS + 30_000,
  );

  it('serves the public key anyone can verify with', async () => {
    const answer = await callApi('/soc2-evidence/public-key');
    expect(answer.status).toBe(200);
    expect(openApiErrors('GET', '/api/soc2-evidence/public-key', 200, answer.json)).toEqual([]);
    expect(answer.json).toEqual({
      keyId: process.env.SIGNING_KEY_ID,
      algorithm: 'Ed25519',
      publicKey: await publicKeyPem(),
    });
  });
});
