/**
 * The findings and incidents pages in a real browser, through Hosting: lists with SLA state,
 * create and update forms for level ≥ 60 (what they write is read back from the API), the API's
 * validation errors next to their field, read-only for auditors, "permission" for members.
 */
import type { Locator } from 'playwright-core';
import { storeFinding, utcDayAgo } from '../../support/complianceFixtures';
import {
  browserPerFile,
  errorsOtherThan,
  rowCellTexts,
  portalOrigin,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
} from '../../support/browser';
import {
  addMember,
  callApi,
  createAccount,
  idTokenFor,
  uniqueAccountId,
  type MemberFixture,
} from '../../support/world';

jest.setTimeout(240_000);

const PASSWORD = 'findings-test-password';

interface Finding {
  id: string;
  title: string;
  controlId: string;
  severity: string;
  dueDate: string;
  status: string;
}
interface Incident {
  id: string;
  title: string;
  severity: string;
  phase: string;
  responseSla: { state: string };
}

let accountId: string;
let lead: MemberFixture;
let auditor: MemberFixture;
let member: MemberFixture;
const session = browserPerFile();

beforeAll(async () => {
  accountId = await createAccount(uniqueAccountId('records'));
  const withPassword = { password: PASSWORD };
  lead = await addMember(accountId, { role: 'dept_lead' }, withPassword);
  auditor = await addMember(accountId, { role: 'auditor' }, withPassword);
  member = await addMember(accountId, { role: 'member' }, withPassword);
  await storeFinding(accountId, 'late-finding', {
    controlId: 'audit-log-retention',
    title: 'Late remediation',
    dueDate: utcDayAgo(2),
  });
});

const findingsPath = () => `/accounts/${accountId}/findings`;
const incidentsPath = () => `/accounts/${accountId}/incidents`;

async function listed<T>(path: string, key: string): Promise<T[]> {
  const answer = await callApi(path, {
    token: await idTokenFor(auditor.uid),
    query: { accountId },
  });
  expect(answer.status).toBe(200);
  return (answer.json as Record<string, T[]>)[key];
}

const rowTexts = (table: Locator, first: string) => rowCellTexts(session.page, table, first);

/** Console errors other than the browser's note on the API's answer with `status`. */
const errorsBut = (status: number) => errorsOtherThan(session.errors, status);

const inFuture = (days: number) => utcDayAgo(-days);

describe('findings page', () => {
  it('lists findings with their SLA state; a finding created in the form appears there and in the API', async () => {
    await signIn(session.page, lead, PASSWORD, findingsPath());
    const table = session.page.getByRole('table', { name: /^Findings/ });
    expect(await rowTexts(table, 'Late remediation')).toEqual([
      'Late remediation',
      'audit-log-retention',
      'high',
      `${utcDayAgo(2)} (overdue)`,
      'overdue',
      'open',
      'manual',
      'Edit',
    ]);

    const form = session.page.getByRole('form', { name: 'New finding' });
    await form.getByLabel('Control').selectOption('audit-log-retention');
    await form.getByLabel('Title').fill('Quarterly access review missed');
    await form.getByLabel('Severity').selectOption('critical');
    await form.getByLabel('Due date').fill(inFuture(10));
    await form.getByLabel('Description').fill('The Q3 access review was not signed off.');
    await form.getByLabel('Remediation plan').fill('Run the review and record the sign-off.');
    await screenshot(session.page, 'findings');
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);
    await form.getByRole('button', { name: 'Create finding' }).click();

    const row = await rowTexts(table, 'Quarterly access review missed');
    expect(row.slice(0, 7)).toEqual([
      'Quarterly access review missed',
      'audit-log-retention',
      'critical',
      inFuture(10),
      'within due date',
      'open',
      'manual',
    ]);
    const findings = await listed<Finding>('/compliance/findings', 'findings');
    expect(findings.find((f) => f.title === 'Quarterly access review missed')).toMatchObject({
      controlId: 'audit-log-retention',
      severity: 'critical',
      dueDate: inFuture(10),
      status: 'open',
    });
    expect(session.errors).toEqual([]);
  });

  it("shows the API's validation error next to its field", async () => {
    await signIn(session.page, lead, PASSWORD, findingsPath());
    const form = session.page.getByRole('form', { name: 'New finding' });
    await form.getByLabel('Title').fill('Backdated');
    await form.getByLabel('Due date').fill(utcDayAgo(1));
    await form.getByLabel('Description').fill('Due yesterday.');
    await form.getByLabel('Remediation plan').fill('None.');
    await form.getByRole('button', { name: 'Create finding' }).click();

    const dueDate = form.getByLabel('Due date');
    await session.page.waitForSelector('[aria-invalid="true"]');
    expect(await dueDate.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await dueDate.getAttribute('aria-describedby'))!;
    const message = await session.page.locator(`[id="${describedBy}"]`).innerText();
    expect(message).toMatch(/^dueDate must not be in the past/);
    expect(await form.getByRole('alert').innerText()).toBe(
      'Not saved: see the fields marked above.',
    );
    expect(await form.getByLabel('Title').getAttribute('aria-invalid')).toBeNull();
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);
    const findings = await listed<Finding>('/compliance/findings', 'findings');
    expect(findings.map((f) => f.title)).not.toContain('Backdated');
    expect(errorsBut(400)).toEqual([]);
  });

  it('updates a finding through its edit form', async () => {
    await signIn(session.page, lead, PASSWORD, findingsPath());
    await session.page.getByRole('button', { name: 'Edit Late remediation' }).click();
    const form = session.page.getByRole('form', { name: 'Update finding: Late remediation' });
    await form.getByLabel('Status').selectOption('in_progress');
    await form.getByRole('button', { name: 'Save finding' }).click();
    await form.waitFor({ state: 'detached' });

    const table = session.page.getByRole('table', { name: /^Findings/ });
    expect((await rowTexts(table, 'Late remediation'))[5]).toBe('in progress');
    const findings = await listed<Finding>('/compliance/findings', 'findings');
    expect(findings.find((f) => f.id === 'late-finding')?.status).toBe('in_progress');
    expect(session.errors).toEqual([]);
  });

  it('is read-only for an auditor and survives a reload', async () => {
    await signIn(session.page, auditor, PASSWORD, findingsPath());
    await session.page.getByRole('table', { name: /^Findings/ }).waitFor();
    await session.page.getByText(/^Read-only/).waitFor();
    expect(await session.page.locator('form').count()).toBe(0);
    expect(await session.page.getByRole('button', { name: /^Edit/ }).count()).toBe(0);
    await session.page.reload();
    await session.page.getByRole('table', { name: /^Findings/ }).waitFor();
    expect(await session.page.locator('form').count()).toBe(0);
    expect(session.errors).toEqual([]);
  });

  it('tells a member about permission on both pages', async () => {
    const expectPermissionOnly = async () => {
      await session.page.getByText(/permission/).waitFor();
      expect(await session.page.getByRole('table').count()).toBe(0);
      expect(await session.page.locator('form').count()).toBe(0);
    };
    await signIn(session.page, member, PASSWORD, findingsPath());
    await expectPermissionOnly();
    // Signed in (Firebase keeps the session), the next page opens without the sign-in form.
    await session.page.goto(`${portalOrigin()}${incidentsPath()}`);
    await expectPermissionOnly();
    expect(errorsBut(403)).toEqual([]);
  });
});

describe('incidents page', () => {
  it('an incident created in the form is listed with its pending response SLA, as in the API', async () => {
    await signIn(session.page, lead, PASSWORD, '/');
    await session.page.getByRole('link', { name: 'Incidents' }).click();
    await session.page.waitForURL(`**${incidentsPath()}`);
    await session.page.getByText('No incidents yet.').waitFor();
    const form = session.page.getByRole('form', { name: 'New incident' });
    await form.getByLabel('Title').fill('Credential stuffing on the login page');
    await form.getByLabel('Severity').selectOption('P4');
    await form.getByLabel('Description').fill('Many failed sign-ins from a few networks.');
    await form.getByLabel('Affected systems (comma-separated)').fill('auth, api');
    await form.getByLabel('Detected at').fill('2026-01-02T03:04');
    await form.getByLabel('Detected by').fill('on-call');
    await screenshot(session.page, 'incidents');
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);
    await form.getByRole('button', { name: 'Create incident' }).click();

    const table = session.page.getByRole('table', { name: /^Incidents/ });
    const row = await rowTexts(table, 'Credential stuffing on the login page');
    const [incident] = await listed<Incident>('/compliance/incidents', 'incidents');
    expect(incident).toMatchObject({
      title: 'Credential stuffing on the login page',
      severity: 'P4',
      phase: 'detection_triage',
      affectedSystems: ['auth', 'api'],
    });
    // Detected in January with no response: the SLA is long breached.
    expect(incident.responseSla.state).toBe('breached');
    expect(row.slice(1, 3)).toEqual(['P4', 'detection triage']);
    expect(row[5]).toBe('breached');
    expect(session.errors).toEqual([]);
  });

  it('appends a response entry in the edit form; a future time is refused next to its field', async () => {
    const created = await callApi('/compliance/incidents', {
      method: 'POST',
      token: await idTokenFor(lead.uid),
      body: {
        accountId,
        title: 'Phishing report',
        severity: 'P4',
        description: 'A user reported a phishing mail.',
        detectedAt: new Date(Date.now() - 3_600_000).toISOString(),
        detectedBy: 'helpdesk',
      },
    });
    expect(created.status).toBe(201);
    await signIn(session.page, lead, PASSWORD, incidentsPath());
    await session.page.getByRole('button', { name: 'Edit Phishing report' }).click();
    const form = session.page.getByRole('form', { name: 'Update incident: Phishing report' });
    await form.getByLabel('New timeline entry: kind').selectOption('response');
    await form.getByLabel('New timeline entry: at').fill('2099-01-01T00:00');
    await form.getByLabel('New timeline entry: by').fill('security');
    await form.getByLabel('New timeline entry: description').fill('Blocked the sender.');
    await form.getByRole('button', { name: 'Save incident' }).click();
    const at = form.getByLabel('New timeline entry: at');
    await form.locator('[aria-invalid="true"]').waitFor();
    const describedBy = (await at.getAttribute('aria-describedby'))!;
    expect(await session.page.locator(`[id="${describedBy}"]`).innerText()).toBe(
      'at must not be in the future',
    );

    const now = new Date(Date.now() - 60_000);
    const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000);
    await at.fill(local.toISOString().slice(0, 16));
    await form.getByRole('button', { name: 'Save incident' }).click();
    await form.waitFor({ state: 'detached' });
    const table = session.page.getByRole('table', { name: /^Incidents/ });
    expect((await rowTexts(table, 'Phishing report'))[5]).toBe('met');
    const incidents = await listed<Incident>('/compliance/incidents', 'incidents');
    expect(incidents.find((i) => i.title === 'Phishing report')?.responseSla.state).toBe('met');
    expect(errorsBut(400)).toEqual([]);
  });

  it('is read-only for an auditor', async () => {
    await signIn(session.page, auditor, PASSWORD, incidentsPath());
    await session.page.getByRole('table', { name: /^Incidents/ }).waitFor();
    await session.page.getByText(/^Read-only/).waitFor();
    expect(await session.page.locator('form').count()).toBe(0);
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);
    expect(session.errors).toEqual([]);
  });
});
