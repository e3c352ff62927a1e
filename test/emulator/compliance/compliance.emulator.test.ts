import { CONTROLS } from '../../../functions/compliance/controlCatalog';
import { dueQuarter } from '../../../functions/compliance/controlTests';
import { exportComplianceForPeriod } from '../../../functions/compliance/export';
import {
  addDays,
  addHours,
  MINUTE_MS,
  startOfUtcDay,
  utcDay,
} from '../../../functions/domain/time';
import { subcollectionPath } from '../../../functions/schema/paths';
import {
  apiKeyDoc,
  auditLogDoc,
  complianceSettingsDoc,
  memberDoc,
  writeDocs,
  type SeedDoc,
} from '../../../scripts/seed/builders';
import {
  accountWithEveryRole,
  addMember,
  callApi,
  createAccount,
  db,
  eventually,
  idTokenFor,
  uniqueAccountId,
} from '../../support/world';

/**
 * /api/compliance/** over HTTP through the Hosting emulator, with real ID tokens. Every test owns
 * its accounts. Controls computed from the static catalogs (encryption, runbook, vendors) have
 * their failing fixtures in the unit tests: the deployed catalogs cannot be broken per account.
 */

jest.setTimeout(60_000);

const ago = (days: number) => addDays(new Date(), -days);

interface ControlBody {
  id: string;
  result: { status: string; measured: unknown; offenders: string[] };
}
interface StatusBody {
  overall: string;
  controlsTotal: number;
  controlsPassed: number;
  openFindings: number;
  groups: Record<
    string,
    { controlsTotal: number; controlsPassed: number; controlsFailed: number; openFindings: number }
  >;
  nextBundleDate: string;
  lastBundleDate: string | null;
}

/** Runs an evaluation now (the explicit POST; reads never evaluate). */
async function evaluateNow(accountId: string, token: string) {
  const answer = await callApi('/compliance/evaluate', {
    method: 'POST',
    token,
    body: { accountId },
  });
  expect(answer.status).toBe(200);
  return answer;
}

/** Evaluates, then reads the stored results. */
async function controlsOf(
  accountId: string,
  token: string,
): Promise<Record<string, ControlBody['result']>> {
  await evaluateNow(accountId, token);
  return storedControlsOf(accountId, token);
}

async function storedControlsOf(
  accountId: string,
  token: string,
): Promise<Record<string, ControlBody['result']>> {
  const answer = await callApi('/compliance/controls', { token, query: { accountId } });
  expect(answer.status).toBe(200);
  const { controls } = answer.json as { controls: ControlBody[] };
  return Object.fromEntries(controls.map((c) => [c.id, c.result]));
}

/** An enterprise account with an owner (token returned) plus the documents given. */
async function accountWith(
  prefix: string,
  owner: { mfa: boolean },
  docs: (accountId: string) => SeedDoc[],
) {
  const accountId = await createAccount(uniqueAccountId(prefix), { createdAt: ago(400) });
  const member = await addMember(
    accountId,
    { role: 'owner', lastActiveAt: new Date() },
    owner.mfa ? { mfaPhoneNumbers: ['+15555550101'] } : {},
  );
  await writeDocs(db, docs(accountId));
  return { accountId, ownerUid: member.uid, token: await idTokenFor(member.uid) };
}

function lastQuarterArchive(accountId: string): SeedDoc {
  const quarter = dueQuarter(new Date());
  return {
    path: `${subcollectionPath(accountId, 'evidenceArchives')}/q-last`,
    data: {
      status: 'complete',
      periodStart: quarter.start,
      periodEnd: quarter.end,
      createdAt: addHours(quarter.end, 1),
    },
  };
}

describe('compliance controls over HTTP', () => {
  it('each data-driven control passes on a healthy account and fails on a broken one', async () => {
    const healthy = await accountWith('cmp-ok', { mfa: true }, (a) => [
      apiKeyDoc(a, 'k-ok', { createdAt: ago(200), lastUsedAt: ago(1) }),
      complianceSettingsDoc(a, { retention: { auditLogDays: 400 } }),
      auditLogDoc(a, 'e-recent', { timestamp: new Date() }),
      lastQuarterArchive(a),
    ]);
    const broken = await accountWith('cmp-bad', { mfa: false }, (a) => [
      apiKeyDoc(a, 'k-invalid', { status: 'invalid', createdAt: ago(10), lastUsedAt: ago(1) }),
      apiKeyDoc(a, 'k-idle', { status: 'valid', createdAt: ago(200), lastUsedAt: ago(120) }),
      complianceSettingsDoc(a, { retention: { auditLogDays: 30 } }),
      ...['o2', 'o3', 'o4'].map((uid) => memberDoc(a, `${a}-${uid}`, { role: 'owner' })),
    ]);
    await addMember(
      broken.accountId,
      { role: 'member', uid: `${broken.accountId}-gone` },
      { disabled: true },
    );

    const ok = await controlsOf(healthy.accountId, healthy.token);
    const bad = await controlsOf(broken.accountId, broken.token);
    const expectations: [string, unknown, unknown][] = [
      // The broken account's extra owners have no Auth user, so no MFA either.
      ['mfa-privileged-members', 0, 4],
      ['api-key-invalid-revoked', 0, 1],
      ['api-key-idle-rotation', 0, 1],
      ['deprovisioned-users', 0, 1],
      ['owner-limit', 1, 4],
      ['audit-log-retention', 400, 30],
      ['quarterly-evidence-bundle', 'q-last', null],
    ];
    for (const [controlId, passMeasured, failMeasured] of expectations) {
      expect({ controlId, ...ok[controlId] }).toMatchObject({
        controlId,
        status: 'pass',
        measured: passMeasured,
      });
      expect({ controlId, ...bad[controlId] }).toMatchObject({
        controlId,
        status: 'fail',
        measured: failMeasured,
      });
    }
    expect(bad['deprovisioned-users'].offenders).toEqual([`${broken.accountId}-gone`]);
    expect(bad['api-key-idle-rotation'].offenders).toEqual(['k-idle']);
    // The owner was active just now: events in the last 24 hours decide audit logging.
    expect(ok['audit-logging-active'].status).toBe('pass');
  });

  it('audit logging fails for an active account without recent events', async () => {
    const { accountId, token } = await accountWith('cmp-quiet', { mfa: true }, (a) => [
      auditLogDoc(a, 'e-old', { timestamp: ago(3) }),
    ]);
    expect((await controlsOf(accountId, token))['audit-logging-active']).toMatchObject({
      status: 'fail',
      measured: 0,
    });
  });

  it('the status endpoint counts exactly the results the controls endpoint returns', async () => {
    const { accountId, token } = await accountWith('cmp-sum', { mfa: false }, () => []);
    const controls = await controlsOf(accountId, token);
    const answer = await callApi('/compliance/status', { token, query: { accountId } });
    expect(answer.status).toBe(200);
    const status = answer.json as StatusBody;
    const results = Object.values(controls);
    expect(status.controlsTotal).toBe(results.length);
    expect(status.controlsPassed).toBe(results.filter((r) => r.status === 'pass').length);
    expect(status.overall).toBe('fail');
    const groupsAnswer = await callApi('/compliance/controls', { token, query: { accountId } });
    const list = (groupsAnswer.json as { controls: (ControlBody & { groups: string[] })[] })
      .controls;
    for (const [group, numbers] of Object.entries(status.groups)) {
      const inGroup = list.filter((c) => c.groups.includes(group));
      expect({ group, total: numbers.controlsTotal, passed: numbers.controlsPassed }).toEqual({
        group,
        total: inGroup.length,
        passed: inGroup.filter((c) => c.result.status === 'pass').length,
      });
    }
    // One automatic finding per failing control, counted as open.
    const failing = results.filter((r) => r.status === 'fail').length;
    expect(status.openFindings).toBe(failing);
    expect(status.nextBundleDate).toMatch(/^\d{4}-(01|04|07|10)-01$/);
  });

  it('a failing control opens its automatic finding once and closes it on recovery', async () => {
    const { accountId, token } = await accountWith('cmp-auto', { mfa: true }, (a) =>
      ['o2', 'o3', 'o4'].map((uid) => memberDoc(a, `${a}-${uid}`, { role: 'owner' })),
    );
    // Repeated and concurrent evaluations.
    await evaluateNow(accountId, token);
    await Promise.all([1, 2, 3].map(() => evaluateNow(accountId, token)));
    const listed = await callApi('/compliance/findings', {
      token,
      query: { accountId, controlId: 'owner-limit' },
    });
    const { findings } = listed.json as {
      findings: { id: string; status: string; source: string }[];
    };
    expect(findings).toEqual([
      expect.objectContaining({ id: 'auto-owner-limit-1', status: 'open', source: 'automatic' }),
    ]);

    await db
      .doc(`${subcollectionPath(accountId, 'members')}/${accountId}-o4`)
      .update({ disabled: true });
    // The member write re-evaluates the controls through its trigger: no call needed.
    const recovered = await eventually(
      async () => {
        const controls = await storedControlsOf(accountId, token);
        return controls['owner-limit'].status === 'pass' ? controls : undefined;
      },
      { what: 'the re-evaluation after the member write' },
    );
    expect(recovered['owner-limit']).toMatchObject({ status: 'pass', measured: 3 });
    const after = await callApi('/compliance/controls/owner-limit/evidence', {
      token,
      query: { accountId },
    });
    expect(after.status).toBe(200);
    const body = after.json as {
      findings: {
        id: string;
        status: string;
        openedBy: { status: string };
        closedBy: { status: string };
      }[];
      evidence: { sections: { accessReview: { status: string } } };
    };
    expect(body.findings).toEqual([
      expect.objectContaining({
        id: 'auto-owner-limit-1',
        status: 'remediated',
        openedBy: expect.objectContaining({ status: 'fail', measured: 4 }),
        closedBy: expect.objectContaining({ status: 'pass', measured: 3 }),
      }),
    ]);
    expect(body.evidence.sections.accessReview.status).toBe('ok');
    const events = await db
      .collection(subcollectionPath(accountId, 'auditLogs'))
      .where('resourceId', '==', 'auto-owner-limit-1')
      .get();
    expect(events.docs.map((d) => d.get('action')).sort()).toEqual([
      'finding.close',
      'finding.open',
    ]);
  });

  it('reading never writes: before any evaluation the controls read as not evaluated', async () => {
    const { accountId, token } = await accountWith('cmp-read', { mfa: false }, (a) =>
      ['o2', 'o3', 'o4'].map((uid) => memberDoc(a, `${a}-${uid}`, { role: 'owner' })),
    );
    const stored = async () =>
      Promise.all(
        ['controlResults', 'findings', 'auditLogs', 'controlEvaluation'].map(
          async (c) => (await db.collection(`accounts/${accountId}/${c}`).get()).size,
        ),
      );
    const before = await stored();
    for (const path of ['/compliance/status', '/compliance/controls', '/compliance/findings']) {
      expect((await callApi(path, { token, query: { accountId } })).status).toBe(200);
    }
    const evidence = await callApi('/compliance/controls/owner-limit/evidence', {
      token,
      query: { accountId },
    });
    expect(evidence.status).toBe(200);
    expect(evidence.json).toMatchObject({
      result: { status: 'inconclusive', detail: expect.stringContaining('Not evaluated yet') },
    });
    const controls = await storedControlsOf(accountId, token);
    expect(Object.values(controls).every((r) => r.status === 'inconclusive')).toBe(true);
    expect(await stored()).toEqual(before);
    // Without an evaluation, evidence writes do not evaluate either (the daily run comes first).
    expect(before).toEqual([0, 0, 0, 0]);
  });

  it('only level 60 and above may evaluate on demand', async () => {
    const { accountId, members } = await accountWithEveryRole('cmp-eval');
    for (const role of ['auditor', 'member', 'viewer'] as const) {
      const answer = await callApi('/compliance/evaluate', {
        method: 'POST',
        token: members[role].token,
        body: { accountId },
      });
      expect({ role, status: answer.status }).toEqual({ role, status: 403 });
    }
    const answer = await evaluateNow(accountId, members.dept_lead.token);
    expect((answer.json as { results: unknown[] }).results.length).toBeGreaterThan(5);
    const extra = await callApi('/compliance/evaluate', {
      method: 'POST',
      token: members.owner.token,
      body: { accountId, force: true },
    });
    expect(extra.status).toBe(400);
  });

  it('an unknown control is 404 and a non-reader is 403', async () => {
    const { accountId, members } = await accountWithEveryRole('cmp-authz');
    const unknown = await callApi('/compliance/controls/no-such-control/evidence', {
      token: members.auditor.token,
      query: { accountId },
    });
    expect(unknown.status).toBe(404);
    const denied = await callApi('/compliance/status', {
      token: members.member.token,
      query: { accountId },
    });
    expect(denied.status).toBe(403);
    expect(await callApi('/compliance/status', { query: { accountId } })).toMatchObject({
      status: 401,
    });
  });
});

describe('findings and incidents over HTTP', () => {
  const future = utcDay(addDays(new Date(), 30));
  const finding = (accountId: string) => ({
    accountId,
    controlId: 'owner-limit',
    title: 'Too many owners',
    severity: 'high',
    description: 'Four members hold the owner role.',
    remediationPlan: 'Demote two owners to admin.',
    dueDate: future,
  });

  it('a dept lead creates and updates a finding; history and audit events record it', async () => {
    const { accountId, members } = await accountWithEveryRole('cmp-fnd');
    const token = members.dept_lead.token;
    const created = await callApi('/compliance/findings', {
      method: 'POST',
      token,
      body: finding(accountId),
    });
    expect(created.status).toBe(201);
    const { id } = created.json as { id: string };
    const patched = await callApi(`/compliance/findings/${id}`, {
      method: 'PATCH',
      token,
      body: { accountId, status: 'in_progress', remediationPlan: 'Demote two owners this week.' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      status: 'in_progress',
      history: [
        { by: members.dept_lead.uid, changes: [{ field: 'status', newValue: 'open' }] },
        {
          by: members.dept_lead.uid,
          changes: [
            { field: 'remediationPlan', oldValue: 'Demote two owners to admin.' },
            { field: 'status', oldValue: 'open', newValue: 'in_progress' },
          ],
        },
      ],
    });
    const remediated = await callApi(`/compliance/findings/${id}`, {
      method: 'PATCH',
      token,
      body: { accountId, status: 'remediated' },
    });
    expect(remediated.status).toBe(200);
    const skipReopen = await callApi(`/compliance/findings/${id}`, {
      method: 'PATCH',
      token,
      body: { accountId, status: 'in_progress' },
    });
    expect(skipReopen.status).toBe(409);
    expect(skipReopen.json).toMatchObject({ error: { code: 'failed_precondition' } });
    const events = await db
      .collection(subcollectionPath(accountId, 'auditLogs'))
      .where('resourceId', '==', id)
      .get();
    expect(events.docs.map((d) => d.get('action')).sort()).toEqual([
      'finding.create',
      'finding.update',
      'finding.update',
    ]);
  });

  it.each([
    ['controlId', { controlId: 'made-up' }],
    ['dueDate', { dueDate: '2020-01-01' }],
    ['severity', { severity: 'urgent' }],
    ['title', { title: 'x'.repeat(201) }],
    ['description', { description: 'x'.repeat(5001) }],
  ])(
    'a finding with a bad %s is a 400 naming the field, and nothing is stored',
    async (field, bad) => {
      const { accountId, members } = await accountWithEveryRole('cmp-400');
      const token = members.admin.token;
      const answer = await callApi('/compliance/findings', {
        method: 'POST',
        token,
        body: { ...finding(accountId), ...bad },
      });
      expect(answer.status).toBe(400);
      const error = (
        answer.json as {
          error: { code: string; message: string; details: { issues: { field: string }[] } };
        }
      ).error;
      expect(error.code).toBe('invalid_argument');
      expect(error.details.issues.map((i) => i.field)).toEqual([field]);
      expect(error.message).toContain(field);
      const stored = await db.collection(subcollectionPath(accountId, 'findings')).get();
      expect(stored.size).toBe(0);
    },
  );

  it('an auditor can read findings but not write them', async () => {
    const { accountId, members } = await accountWithEveryRole('cmp-403');
    const write = await callApi('/compliance/findings', {
      method: 'POST',
      token: members.auditor.token,
      body: finding(accountId),
    });
    expect(write.status).toBe(403);
    expect((write.json as { error: { code: string } }).error.code).toBe('permission_denied');
    const read = await callApi('/compliance/findings', {
      token: members.auditor.token,
      query: { accountId },
    });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ findings: [], malformed: [] });
  });

  it('incident response SLA breaches are computed from the timestamps', async () => {
    const { accountId, members } = await accountWithEveryRole('cmp-inc');
    const token = members.admin.token;
    const detected = addHours(new Date(), -1);
    const at = (minutes: number) =>
      new Date(detected.getTime() + minutes * MINUTE_MS).toISOString();
    const incident = (severity: string, respondedAfter: number) => ({
      accountId,
      title: `${severity} outage`,
      severity,
      description: 'API returned 500s.',
      affectedSystems: ['api'],
      detectedAt: detected.toISOString(),
      detectedBy: 'uptime check',
      timeline: [
        { at: at(respondedAfter), by: 'sre', kind: 'response', description: 'Paged on-call.' },
      ],
    });
    const late = await callApi('/compliance/incidents', {
      method: 'POST',
      token,
      body: incident('P1', 20),
    });
    const onTime = await callApi('/compliance/incidents', {
      method: 'POST',
      token,
      body: incident('P2', 20),
    });
    expect(late.status).toBe(201);
    expect(late.json).toMatchObject({
      phase: 'detection_triage',
      responseSla: {
        responseSlaMinutes: 15,
        minutesToFirstResponse: 20,
        state: 'breached',
        breached: true,
      },
    });
    expect(onTime.json).toMatchObject({ responseSla: { responseSlaMinutes: 60, state: 'met' } });

    const { id } = late.json as { id: string };
    const patched = await callApi(`/compliance/incidents/${id}`, {
      method: 'PATCH',
      token,
      body: {
        accountId,
        phase: 'containment',
        timeline: [{ at: at(30), by: 'sre', kind: 'update', description: 'Rolled back.' }],
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      phase: 'containment',
      timeline: [{ kind: 'response' }, { kind: 'update', description: 'Rolled back.' }],
      history: [
        {
          changes: [
            { field: 'phase', oldValue: 'detection_triage', newValue: 'containment' },
            { field: 'timeline' },
          ],
        },
      ],
    });
    const listed = await callApi('/compliance/incidents', {
      token: members.auditor.token,
      query: { accountId },
    });
    expect(listed.json).toMatchObject({ slaBreaches: 1 });
  });

  it.each([
    ['severity', { severity: 'P5' }],
    ['description', { description: 'x'.repeat(5001) }],
    ['detectedAt', { detectedAt: 'yesterday' }],
    ['phase', { phase: 'panic' }],
  ])('an incident with a bad %s is a 400 naming the field', async (field, bad) => {
    const { accountId, members } = await accountWithEveryRole('cmp-inc400');
    const answer = await callApi('/compliance/incidents', {
      method: 'POST',
      token: members.owner.token,
      body: {
        accountId,
        title: 'Outage',
        severity: 'P3',
        description: 'Slow responses.',
        detectedAt: new Date().toISOString(),
        detectedBy: 'alert',
        ...bad,
      },
    });
    expect(answer.status).toBe(400);
    const error = (answer.json as { error: { details: { issues: { field: string }[] } } }).error;
    expect(error.details.issues.map((i) => i.field)).toEqual([field]);
    const stored = await db.collection(subcollectionPath(accountId, 'incidents')).get();
    expect(stored.size).toBe(0);
  });
});

describe('bundle export', () => {
  it("exports the period's daily control results, findings and incidents", async () => {
    const { accountId, members } = await accountWithEveryRole('cmp-exp');
    const token = members.admin.token;
    await controlsOf(accountId, token);
    const created = await callApi('/compliance/incidents', {
      method: 'POST',
      token,
      body: {
        accountId,
        title: 'Leaked key',
        severity: 'P2',
        description: 'A provider key was posted in a public channel.',
        detectedAt: new Date().toISOString(),
        detectedBy: 'secret scanner',
      },
    });
    expect(created.status).toBe(201);
    const today = startOfUtcDay(new Date());
    const exported = await exportComplianceForPeriod({ db }, accountId, today, addDays(today, 1));
    expect(exported.controlResults).toHaveLength(CONTROLS.length);
    expect(exported.controlResults.every((r) => r.evaluations >= 1)).toBe(true);
    // Owners and admins of accountWithEveryRole have no MFA: its automatic finding is in the period.
    expect(exported.findings.map((f) => f.id)).toContain('auto-mfa-privileged-members-1');
    expect(exported.incidents.map((i) => i.title)).toEqual(['Leaked key']);
    const before = await exportComplianceForPeriod({ db }, accountId, addDays(today, -2), today);
    expect(before).toMatchObject({ controlResults: [], findings: [], incidents: [] });
  });
});
