/**
 * The portal in a real browser, through Hosting as a user gets it: sign-in, the account
 * dashboard, the evidence, the permission message, deep links, no console errors, the security
 * headers. Values shown are checked against what the API answers the same user.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { Timestamp } from 'firebase-admin/firestore';
import type { EvidenceReport } from '../../../functions/schema/evidence';
import type { GroupStatus } from '../../../portal/src/api';
import { passedText } from '../../../portal/src/format';
import { subcollectionPath } from '../../../functions/schema/paths';
import { auditLogData } from '../../support/auditFixtures';
import {
  browserPerFile,
  portalOrigin,
  rowCellTexts,
  screenshot,
  seriousAccessibilityViolations,
  signIn as signInAs,
} from '../../support/browser';
import {
  addMember,
  callApi,
  createAccount,
  db,
  eventually,
  idTokenFor,
  uniqueAccountId,
  type MemberFixture,
} from '../../support/world';

jest.setTimeout(120_000);

const PASSWORD = 'portal-test-password';
const SECTION_HEADINGS = [
  'Access review',
  'Security metrics',
  'Encryption inventory',
  'Vendor register',
  'Incident response',
  'Compliance config',
  'Data residency',
  'Retention policy',
  'Audit log summary',
];

let accountId: string;
let auditor: MemberFixture;
let member: MemberFixture;
const session = browserPerFile();

beforeAll(async () => {
  accountId = await createAccount(uniqueAccountId('portal'));
  const withPassword = { password: PASSWORD };
  const owner = await addMember(accountId, { role: 'owner' }, withPassword);
  auditor = await addMember(accountId, { role: 'auditor' }, withPassword);
  member = await addMember(accountId, { role: 'member' }, withPassword);
  // Stored results, so the dashboard has measured values to show.
  const evaluated = await callApi('/compliance/evaluate', {
    method: 'POST',
    token: await idTokenFor(owner.uid),
    body: { accountId },
  });
  expect(evaluated.status).toBe(200);
  await seedAuditEvents();
});

/** Six events an hour apart (the newest an hour ago), two of them failures. */
async function seedAuditEvents(): Promise<void> {
  const batch = db.batch();
  for (let i = 0; i < 6; i++) {
    const at = new Date(Date.now() - (i + 1) * 3_600_000);
    batch.create(
      db.doc(`${subcollectionPath(accountId, 'auditLogs')}/portal-evt-${i}`),
      auditLogData({
        timestamp: Timestamp.fromDate(at),
        actorId: `portal-actor-${i}`,
        action: i % 2 ? 'role.assign' : 'auth.login',
        result: i % 3 === 1 ? 'failure' : 'success',
      }),
    );
  }
  await batch.commit();
}

const signIn = (who: MemberFixture, path = '/'): Promise<void> =>
  signInAs(session.page, who, PASSWORD, path);

async function apiAs<T>(
  who: MemberFixture,
  path: string,
  query: Record<string, string> = {},
): Promise<T> {
  const answer = await callApi(path, {
    token: await idTokenFor(who.uid),
    query: { accountId, ...query },
  });
  expect(answer.status).toBe(200);
  return answer.json as T;
}

describe('portal', () => {
  it('signs the auditor in, straight to the dashboard of the one account: status and every control', async () => {
    const controls = await apiAs<{ controls: { id: string }[] }>(auditor, '/compliance/controls');
    const status = await apiAs<{ overall: string; groups: Record<string, GroupStatus> }>(
      auditor,
      '/compliance/status',
    );

    await signIn(auditor);
    await session.page.waitForURL(`**/accounts/${accountId}`);
    await session.page.getByRole('heading', { name: 'Controls' }).waitFor();
    expect(await session.page.getByText(`Overall status: ${status.overall}`).count()).toBe(1);
    const table = session.page.getByRole('table', { name: /Every control/ });
    expect(controls.controls.length).toBeGreaterThan(0);
    for (const { id } of controls.controls) {
      await expect(table.getByRole('cell', { name: id, exact: true }).count()).resolves.toBe(1);
    }
    const groups = session.page.getByRole('table', { name: 'Trust Services Criteria groups' });
    for (const [group, g] of Object.entries(status.groups)) {
      expect(await rowCellTexts(session.page, groups, group)).toEqual([
        group,
        g.status,
        passedText(g),
        String(g.openFindings),
      ]);
    }
    await screenshot(session.page, 'dashboard');
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);
    expect(session.errors).toEqual([]);
  });

  it('shows the nine evidence sections, with status and collection time, and survives a reload', async () => {
    await signIn(auditor);
    await session.page.getByRole('link', { name: 'Evidence', exact: true }).click();
    await session.page.waitForURL(`**/accounts/${accountId}/evidence`);
    for (const name of SECTION_HEADINGS) {
      await session.page.getByRole('heading', { name, level: 2 }).waitFor();
    }
    expect(
      await session.page.getByText(/^Status: (ok|degraded); collected \d{4}-\d\d-\d\d/).count(),
    ).toBe(SECTION_HEADINGS.length);
    await session.page.getByRole('table', { name: 'Members' }).getByText(auditor.email).waitFor();
    await screenshot(session.page, 'evidence');
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);

    await session.page.reload();
    await session.page.getByRole('heading', { name: 'Audit log summary', level: 2 }).waitFor();
    expect(session.errors).toEqual([]);
  });

  it("downloads a section table as CSV with the signed-in user's token", async () => {
    await signIn(auditor, `/accounts/${accountId}/evidence`);
    const [download] = await Promise.all([
      session.page.waitForEvent('download'),
      session.page.getByRole('link', { name: 'Download members CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${accountId}-access-review-members.csv`);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain(auditor.email);
    expect(session.errors).toEqual([]);
  });

  it('shows the continuity targets, backups and log retention classes as tables, each with its CSV', async () => {
    await signIn(auditor, `/accounts/${accountId}/evidence`);
    const targets = session.page.getByRole('table', { name: 'continuity targets' });
    for (const metric of ['RTO', 'RPO', 'MTTR']) {
      await targets.getByRole('cell', { name: metric, exact: true }).waitFor();
    }
    const backups = session.page.getByRole('table', { name: 'backup strategy' });
    await backups.getByRole('cell', { name: 'firestore-scheduled', exact: true }).waitFor();
    const securityEvents = session.page
      .getByRole('table', { name: 'log retention classes' })
      .getByRole('row')
      .filter({ hasText: 'security-events' });
    expect(await securityEvents.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining(['Security events', '7', 'years']),
    );
    for (const [table, file, expected] of [
      ['continuity-targets', 'incident-response-continuity-targets', 'RTO'],
      ['backups', 'incident-response-backups', 'firestore-scheduled'],
      ['log-retention', 'retention-policy-log-retention', 'security-events'],
    ]) {
      const [download] = await Promise.all([
        session.page.waitForEvent('download'),
        session.page.getByRole('link', { name: `Download ${table} CSV` }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${accountId}-${file}.csv`);
      expect(fs.readFileSync((await download.path())!, 'utf8')).toContain(expected);
    }
    expect(session.errors).toEqual([]);
  });

  it('downloads the report and a section as PDF, whose text names the section and the members', async () => {
    await signIn(auditor, `/accounts/${accountId}/evidence`);
    for (const [link, filename] of [
      ['Download the report as PDF', `${accountId}-soc2-evidence.pdf`],
      ['Download Access review PDF', `${accountId}-access-review.pdf`],
    ]) {
      const [download] = await Promise.all([
        session.page.waitForEvent('download'),
        session.page.getByRole('link', { name: link }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(filename);
      const text = execFileSync('pdftotext', ['-layout', (await download.path())!, '-'], {
        encoding: 'utf8',
      });
      expect(text).toContain('Access review');
      expect(text).toContain(auditor.email);
    }
    expect(session.errors).toEqual([]);
  });

  it('marks a degraded section with its error', async () => {
    // The stack cannot make a section fail on demand (evidence.emulator.test.ts does it in
    // process), so the API's real answer is altered on its way to the session.page.
    await session.page.route('**/api/soc2-evidence?*', async (route) => {
      const response = await route.fetch();
      const report = (await response.json()) as EvidenceReport;
      report.complete = false;
      report.sections.securityMetrics = {
        ...report.sections.securityMetrics!,
        status: 'degraded',
        error: { code: 'section_failed', message: 'injected failure' },
      };
      await route.fulfill({ response, json: report });
    });
    await signIn(auditor, `/accounts/${accountId}/evidence`);
    const section = session.page.getByRole('region', { name: 'Security metrics' });
    await section.getByText('Degraded: section_failed: injected failure').waitFor();
    expect(await section.getByText(/^Status: degraded; collected/).count()).toBe(1);
    expect(await session.page.getByText(/^Status: ok; collected/).count()).toBe(8);
    await session.page
      .getByText('incomplete: some sections are degraded', { exact: false })
      .waitFor();
    expect(session.errors).toEqual([]);
  });

  it('opens a deep link after sign-in on the page asked for', async () => {
    await signIn(auditor, `/accounts/${accountId}/evidence`);
    await session.page.getByRole('heading', { name: 'Vendor register', level: 2 }).waitFor();
    expect(session.page.url()).toBe(`${portalOrigin()}/accounts/${accountId}/evidence`);
    expect(session.errors).toEqual([]);
  });

  it('tells a member without audit:read about permission and shows no evidence', async () => {
    await signIn(member, `/accounts/${accountId}/evidence`);
    await session.page.getByText(/permission/).waitFor();
    expect(await session.page.getByRole('heading', { name: 'Access review' }).count()).toBe(0);
    await screenshot(session.page, 'evidence-member');
    // The browser reports the API's 403 itself; nothing else may fail.
    expect(session.errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
  });
});

type AuditEvents = {
  events: {
    actorId: string;
    action: string;
    resourceType: string;
    resourceId?: string;
    result: string;
  }[];
  nextPageToken: string | null;
};

/** The audit-log table's rows as the page shows them: actor, action, resource, result. */
async function auditRows(): Promise<string[][]> {
  const table = session.page.getByRole('table', { name: 'Audit events, newest first' });
  await table.waitFor();
  const rows = await table.locator('tbody tr').all();
  return Promise.all(
    rows.map(async (row) => (await row.getByRole('cell').allInnerTexts()).slice(1)),
  );
}

/** Waits for the table to show `expected` (a new query replaces the rows a moment later). */
async function expectAuditRows(expected: string[][]): Promise<void> {
  let rows: string[][] = [];
  const shown = async () => {
    rows = await auditRows();
    return JSON.stringify(rows) === JSON.stringify(expected) || undefined;
  };
  await eventually(shown, { timeoutMs: 10_000, what: 'the audit rows' }).catch(() => undefined);
  expect(rows).toEqual(expected);
}

const rowOf = (e: AuditEvents['events'][number]) => [
  e.actorId,
  e.action,
  e.resourceId ? `${e.resourceType}/${e.resourceId}` : e.resourceType,
  e.result,
];

describe('portal audit log', () => {
  it('lists the events newest first, as the API does', async () => {
    const newest = await apiAs<AuditEvents>(auditor, '/audit-logs', { pageSize: '1' });
    await signIn(auditor);
    await session.page.waitForURL(`**/accounts/${accountId}`);
    await session.page.getByRole('link', { name: 'Audit log' }).click();
    await session.page.waitForURL(`**/accounts/${accountId}/audit-log`);
    expect((await auditRows())[0]).toEqual(rowOf(newest.events[0]));
    await screenshot(session.page, 'audit-log');
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);
    expect(session.errors).toEqual([]);
  });

  it('filters by result, keeps the filter in the URL and across a reload', async () => {
    const failures = await apiAs<AuditEvents>(auditor, '/audit-logs', { result: 'failure' });
    expect(failures.events.length).toBeGreaterThanOrEqual(2);
    await signIn(auditor, `/accounts/${accountId}/audit-log`);
    await auditRows();
    await session.page.getByLabel('Result').selectOption('failure');
    await session.page.getByRole('button', { name: 'Apply filters' }).click();
    await session.page.waitForURL(/\?result=failure$/);
    await expectAuditRows(failures.events.map(rowOf));

    await session.page.reload();
    await expectAuditRows(failures.events.map(rowOf));
    expect(await session.page.getByLabel('Result').inputValue()).toBe('failure');
    expect(session.errors).toEqual([]);
  });

  it('follows "Next page" by the cursor', async () => {
    const first = await apiAs<AuditEvents>(auditor, '/audit-logs', { pageSize: '2' });
    const second = await apiAs<AuditEvents>(auditor, '/audit-logs', {
      pageSize: '2',
      pageToken: first.nextPageToken!,
    });
    await signIn(auditor, `/accounts/${accountId}/audit-log?pageSize=2`);
    await expectAuditRows(first.events.map(rowOf));
    await session.page.getByRole('button', { name: 'Next page' }).click();
    await session.page.waitForURL(/pageToken=/);
    await expectAuditRows(second.events.map(rowOf));
    expect(session.errors).toEqual([]);
  });

  it('shows an API error next to the filters', async () => {
    await signIn(auditor, `/accounts/${accountId}/audit-log`);
    await auditRows();
    await session.page.getByLabel('From', { exact: true }).fill('2026-05-02T10:00');
    await session.page.getByLabel('To', { exact: true }).fill('2026-05-01T10:00');
    await session.page.getByRole('button', { name: 'Apply filters' }).click();
    await session.page.getByText(/^Could not load: .*start must be before end/).waitFor();
    expect(new URL(session.page.url()).searchParams.get('start')).toBe(
      new Date(2026, 4, 2, 10, 0).toISOString(),
    );
    await session.page.getByLabel('Actor').waitFor();
    expect(session.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });

  it('tells a member without audit:read about permission', async () => {
    await signIn(member, `/accounts/${accountId}/audit-log`);
    await session.page.getByText(/permission/).waitFor();
    expect(await session.page.getByRole('table').count()).toBe(0);
    expect(session.errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
  });
});

describe('Hosting', () => {
  it('sends the security headers with the app', async () => {
    const response = await fetch(`${portalOrigin()}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/connect-src 'self' [^;]*identitytoolkit\.googleapis\.com/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('answers every app path with the app and keeps /api for the API', async () => {
    const app = await fetch(`${portalOrigin()}/accounts/any/evidence`);
    expect(app.status).toBe(200);
    expect(await app.text()).toContain('<div id="app">');
    const api = await fetch(`${portalOrigin()}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('GET /api/accounts', () => {
  it('is 401 without an ID token', async () => {
    expect((await callApi('/accounts')).status).toBe(401);
  });

  it('lists the accounts the caller is an enabled member of, with the role, by name', async () => {
    const other = await createAccount(uniqueAccountId('portal-b'), { name: 'A second account' });
    await addMember(other, { uid: auditor.uid, email: auditor.email, role: 'viewer' });
    const disabled = await createAccount(uniqueAccountId('portal-c'));
    await addMember(disabled, {
      uid: auditor.uid,
      email: auditor.email,
      role: 'admin',
      disabled: true,
    });
    // Another user with the same email in an account is not the caller.
    const foreign = await createAccount(uniqueAccountId('portal-d'));
    await addMember(foreign, { email: auditor.email, role: 'owner' }, false);

    const answer = await callApi('/accounts', { token: await idTokenFor(auditor.uid) });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      accounts: [
        { accountId: other, name: 'A second account', role: 'viewer' },
        { accountId, name: accountId, role: 'auditor' },
      ],
    });
  });
});
