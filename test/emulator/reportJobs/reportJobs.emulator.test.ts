import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQuarter } from '../../../functions/bundle/period';
import { verifyBundle } from '../../../functions/bundle/verify';
import type { IncidentDoc } from '../../../functions/schema/compliance';
import { subcollectionPath } from '../../../functions/schema/paths';
import { writeDocs } from '../../../scripts/seed/builders';
import { signedOffCampaignDocs } from '../../support/accessReviewFixtures';
import { tempDir } from '../../support/bundleZip';
import { testDeps } from '../../support/deps';
import { openApiErrors } from '../../support/openApiValidator';
import { readPdf } from '../../support/reportFixtures';
import { BUILD_TIMEOUT_MS, pollApi } from '../../support/reportJobs';
import {
  accountWithEveryRole,
  addMember,
  callApi,
  db,
  type MemberFixture,
} from '../../support/world';

const Q3 = parseQuarter('2026-Q3');
const PERIOD = { periodStart: Q3.start.toISOString(), periodEnd: Q3.end.toISOString() };

interface JobView {
  id: string;
  state: string;
  reportType: string;
  error?: { code: string; message: string };
  download?: { url: string; expiresAt: string };
}

/** Incidents around Q3: a P2 answered in 20 minutes, a P1 never answered, one after Q3. */
function incident(
  title: string,
  severity: 'P1' | 'P2',
  detectedAt: Date,
  answeredAfterMin?: number,
) {
  const timeline =
    answeredAfterMin === undefined
      ? []
      : [
          {
            at: new Date(detectedAt.getTime() + answeredAfterMin * 60_000),
            by: 'oncall',
            kind: 'response',
            description: 'Key revoked.',
          },
        ];
  const doc: IncidentDoc = {
    title,
    severity,
    description: 'd',
    affectedSystems: ['api'],
    detectedAt,
    detectedBy: 'scanner',
    phase: 'closed',
    timeline: timeline as IncidentDoc['timeline'],
    createdAt: detectedAt,
    createdBy: 'oncall',
    updatedAt: detectedAt,
    history: [],
  };
  return doc;
}

describe('report jobs (POST/GET /api/compliance/reports)', () => {
  let accountId: string;
  let owner: MemberFixture & { token: string };
  let auditor: MemberFixture & { token: string };
  let zoe: MemberFixture;

  beforeAll(async () => {
    const world = await accountWithEveryRole('reports');
    accountId = world.accountId;
    owner = world.members.owner;
    auditor = world.members.auditor;
    zoe = await addMember(accountId, {
      role: 'member',
      email: 'zoe@example.test',
      displayName: 'Zoë Łukasiewicz',
    });
    const incidents = subcollectionPath(accountId, 'incidents');
    await writeDocs(db, [
      {
        path: `${incidents}/answered`,
        data: incident('Leaked key', 'P2', new Date('2026-08-10T08:00:00Z'), 20),
      },
      {
        path: `${incidents}/unanswered`,
        data: incident('Outage', 'P1', new Date('2026-09-01T08:00:00Z')),
      },
      {
        path: `${incidents}/after-q3`,
        data: incident('Later', 'P2', new Date('2026-10-05T08:00:00Z'), 5),
      },
      { path: `${incidents}/malformed`, data: { title: 'no severity', detectedAt: 'yesterday' } },
      ...signedOffCampaignDocs(accountId, 'q3-review', new Date('2026-08-01T00:00:00Z'), zoe.uid),
      ...signedOffCampaignDocs(accountId, 'q4-review', new Date('2026-10-10T00:00:00Z'), zoe.uid),
    ]);
  });

  const ask = (body: Record<string, unknown>, token = owner.token) =>
    callApi('/compliance/reports', { method: 'POST', token, body: { accountId, ...body } });

  /** Asks, waits until the job is ready, fetches its download: the bytes a reader gets. */
  async function built(body: Record<string, unknown>): Promise<{ job: JobView; content: Buffer }> {
    const answer = await ask(body);
    expect(answer.status).toBe(202);
    expect(openApiErrors('POST', '/api/compliance/reports', 202, answer.json)).toEqual([]);
    const { id } = answer.json as JobView;
    const ready = await pollApi(
      `/compliance/reports/${id}`,
      auditor.token,
      { accountId },
      (json) => (json as JobView).state === 'ready',
      `report ${id} ready`,
    );
    expect(openApiErrors('GET', '/api/compliance/reports/{reportId}', 200, ready.json)).toEqual([]);
    const job = ready.json as JobView;
    const fetched = await fetch(job.download!.url);
    expect(fetched.status).toBe(200);
    return { job, content: Buffer.from(await fetched.arrayBuffer()) };
  }

  it(
    'an incident report (json) holds the period’s incidents with SLA compliance',
    async () => {
      const { job, content } = await built({ reportType: 'incident', ...PERIOD });
      expect(job).toMatchObject({ id: 'incident-json-2026-Q3', reportType: 'incident' });
      const report = JSON.parse(content.toString('utf8')) as {
        incidents: { id: string; responseSla: { state: string } }[];
        slaCompliance: Record<string, unknown>;
        malformedIncidents: { id: string }[];
      };
      expect(report.incidents.map((i) => [i.id, i.responseSla.state]).sort()).toEqual([
        ['answered', 'met'],
        ['unanswered', 'breached'],
      ]);
      expect(report.slaCompliance).toMatchObject({
        total: 2,
        met: 1,
        breached: 1,
        pending: 0,
        metPercent: 50,
        bySeverity: { P1: { total: 1, breached: 1 }, P2: { total: 1, met: 1 } },
      });
      expect(report.malformedIncidents.map((m) => m.id)).toEqual(['malformed']);
    },
    BUILD_TIMEOUT_MS + 30_000,
  );

  it(
    'an incident report (csv) has one row per incident and names the malformed one',
    async () => {
      const { content } = await built({ reportType: 'incident', format: 'csv', ...PERIOD });
      const lines = content.toString('utf8').split('\r\n');
      expect(lines[0]).toBe(
        'id,title,severity,phase,detectedAt,responseSlaMinutes,slaDeadline,firstResponseAt,minutesToFirstResponse,slaState',
      );
      expect(lines.filter((l) => l.startsWith('answered,'))).toEqual([
        'answered,Leaked key,P2,closed,2026-08-10T08:00:00.000Z,60,2026-08-10T09:00:00.000Z,2026-08-10T08:20:00.000Z,20,met',
      ]);
      expect(lines.some((l) => l.startsWith('unanswered,Outage,P1'))).toBe(true);
      expect(lines.some((l) => l.startsWith('after-q3,'))).toBe(false);
      expect(lines).toContain('malformedIncidentId,problem');
      expect(lines.some((l) => l.startsWith('malformed,'))).toBe(true);
    },
    BUILD_TIMEOUT_MS + 30_000,
  );

  it(
    'an access review (json and csv) lists every member with role and permissions',
    async () => {
      const json = await built({ reportType: 'access_review', ...PERIOD });
      const review = JSON.parse(json.content.toString('utf8')) as {
        status: string;
        asOf: string;
        members: { email: string; role: string; displayName: string; permissions: string[] }[];
        campaigns: {
          id: string;
          entries: {
            subjectId: string;
            decision: { decision: string } | null;
            followUp: { state: string } | null;
          }[];
        }[];
      };
      expect(review).toMatchObject({ status: 'ok', asOf: Q3.end.toISOString() });
      expect(review.members).toHaveLength(7);
      expect(review.members.find((m) => m.email === zoe.email)).toMatchObject({
        role: 'member',
        displayName: 'Zoë Łukasiewicz',
      });
      expect(review.members.find((m) => m.role === 'owner')?.permissions).toContain('audit:export');
      // The period's campaigns come with every decision and its follow-up; a later one does not.
      expect(
        review.campaigns.map((c) => [
          c.id,
          c.entries.map((e) => [e.subjectId, e.decision?.decision, e.followUp?.state]),
        ]),
      ).toEqual([['q3-review', [[zoe.uid, 'revoke', 'remediated']]]]);

      const csv = await built({ reportType: 'access_review', format: 'csv', ...PERIOD });
      expect(csv.job.id).toBe('access_review-csv-2026-Q3');
      const rows = csv.content.toString('utf8').trimEnd().split('\r\n');
      expect(rows).toHaveLength(8);
      expect(
        rows.some((r) => r.includes('zoe@example.test') && r.includes('Zoë Łukasiewicz')),
      ).toBe(true);
    },
    2 * BUILD_TIMEOUT_MS + 30_000,
  );

  it(
    'an incident report (pdf) shows SLA compliance per severity and each incident of the period',
    async () => {
      const { job, content } = await built({ reportType: 'incident', format: 'pdf', ...PERIOD });
      expect(job.id).toBe('incident-pdf-2026-Q3');
      const pdf = readPdf(content, tempDir());
      // pdftotext may or may not read a space before a '%' (kerning); drop it, squash the rest.
      const text = pdf.text.replace(/\s*%/g, '%').replace(/\s+/g, ' ');
      expect(text).toContain(`Incident report · ${accountId} · 2026-Q3`);
      expect(text).toContain('1 met, 1 breached, 0 pending (50% met)');
      expect(text).toMatch(/All 2 1 1 0 50%/);
      expect(text).toMatch(/P1 1 0 1 0 0%/);
      expect(text).toMatch(/P2 1 1 0 0 100%/);
      expect(text).toContain('Leaked key');
      expect(text).toContain('Outage');
      expect(text).not.toContain('Later');
      expect(text).toContain('Stored but failing validation (listed, not dropped): malformed');
      expect(pdf.text).toContain(`Page ${pdf.pages} of ${pdf.pages}`);
      for (const font of pdf.fonts) expect([font.embedded, font.subset]).toEqual(['yes', 'yes']);
    },
    BUILD_TIMEOUT_MS + 30_000,
  );

  it(
    'an access review (pdf) lists every member with role, in any script',
    async () => {
      const { job, content } = await built({
        reportType: 'access_review',
        format: 'pdf',
        ...PERIOD,
      });
      expect(job.id).toBe('access_review-pdf-2026-Q3');
      const pdf = readPdf(content, tempDir());
      expect(pdf.text).toContain('Zoë Łukasiewicz');
      expect(pdf.text).toContain(zoe.email);
      expect(pdf.text).toContain(owner.email);
      const text = pdf.text.replace(/\s+/g, ' ');
      expect(text).toContain('Members 7');
      expect(text).toContain('Access review Status: ok');
      expect(pdf.fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, ''))).toEqual(
        expect.arrayContaining(['DejaVuSans', 'DejaVuSans-Bold']),
      );
    },
    BUILD_TIMEOUT_MS + 30_000,
  );

  it(
    'a soc2 report is the signed bundle, and it verifies',
    async () => {
      const { job, content } = await built({ reportType: 'soc2', ...PERIOD });
      expect(job.id).toBe('soc2-2026-Q3');
      const path = join(tempDir(), 'bundle.zip');
      writeFileSync(path, content);
      const result = await verifyBundle(path, {
        publicKeyPem: await testDeps().signer().publicKeyPem(),
        expectedAccountId: accountId,
        expectedPeriodId: '2026-Q3',
      });
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      // The same job is the archive of that period.
      const archives = await callApi('/soc2-archives', {
        token: auditor.token,
        query: { accountId },
      });
      expect(archives.json).toMatchObject({ archives: [{ id: '2026-Q3', state: 'ready' }] });
    },
    BUILD_TIMEOUT_MS + 30_000,
  );

  it('asking again for the same report gives the same job; a ready one answers 200', async () => {
    const again = await ask({ reportType: 'incident', ...PERIOD });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: 'incident-json-2026-Q3', state: 'ready' });
    const list = await callApi('/compliance/reports', {
      token: auditor.token,
      query: { accountId },
    });
    expect(list.status).toBe(200);
    expect(openApiErrors('GET', '/api/compliance/reports', 200, list.json)).toEqual([]);
    const ids = (list.json as { reports: JobView[] }).reports.map((r) => r.id);
    expect(ids.filter((id) => id === 'incident-json-2026-Q3')).toHaveLength(1);
    expect(ids).toEqual(
      expect.arrayContaining([
        'incident-csv-2026-Q3',
        'access_review-json-2026-Q3',
        'soc2-2026-Q3',
      ]),
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown type', { reportType: 'payroll', ...PERIOD }, 'reportType must be one of soc2'],
    [
      'a format for the bundle',
      { reportType: 'soc2', format: 'json', ...PERIOD },
      'format: soc2 reports are the signed evidence bundle (zip); omit format',
    ],
    [
      'an unknown criterion',
      { reportType: 'incident', criteria: ['CC6.1', 'ZZ9.9'], ...PERIOD },
      'criteria.1: unknown criterion "ZZ9.9"; valid criteria: ',
    ],
    [
      'a period ending in the future',
      {
        reportType: 'incident',
        periodStart: PERIOD.periodStart,
        periodEnd: '2999-01-01T00:00:00Z',
      },
      'periodEnd: must not be in the future',
    ],
    ['no period', { reportType: 'incident' }, 'periodStart'],
  ])('%s is a 400 naming the field', async (_what, body, message) => {
    const answer = await ask(body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      error: { code: 'invalid_argument', message: expect.stringContaining(message) },
    });
  });

  it('an auditor may read reports but not ask for them (audit:export)', async () => {
    const answer = await ask({ reportType: 'incident', ...PERIOD }, auditor.token);
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ error: { code: 'permission_denied' } });
  });

  it('an unknown report id is 404, and another account’s job is not reachable through mine', async () => {
    const missing = await callApi('/compliance/reports/incident-json-1999-Q1', {
      token: auditor.token,
      query: { accountId },
    });
    expect(missing.status).toBe(404);
    const other = await accountWithEveryRole('reports-other');
    const foreign = await callApi('/compliance/reports/incident-json-2026-Q3', {
      token: other.members.owner.token,
      query: { accountId: other.accountId },
    });
    expect(foreign.status).toBe(404);
    const outsider = await callApi('/compliance/reports', {
      token: other.members.owner.token,
      query: { accountId },
    });
    expect(outsider.status).toBe(403);
  });
});
