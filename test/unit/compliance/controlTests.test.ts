import { CONTROLS, CONTROL_IDS } from '../../../functions/compliance/controlCatalog';
import { BUNDLE_FILES } from '../../../functions/schema/bundle';
import {
  CONTROL_TESTS,
  DEFAULT_CONTROL_TEST_CONFIG,
  dueQuarter,
  evaluateControls,
  runControlTest,
  type ControlEvidence,
} from '../../../functions/compliance/controlTests';
import {
  apiKey,
  currentEvidenceItems,
  daysAgo,
  evidenceItem,
  healthyEvidence,
  hoursAgo,
  member,
  missing,
  NOW,
  slice,
} from './fixtures';

const config = DEFAULT_CONTROL_TEST_CONFIG;
const run = (controlId: string, evidence: ControlEvidence, now = NOW) =>
  runControlTest(controlId, evidence, now, config);

/** One failing fixture per control: the healthy evidence with exactly one thing broken. */
const FAILING: Record<
  string,
  { evidence: Partial<ControlEvidence>; measured: unknown; offenders?: string[] }
> = {
  'mfa-privileged-members': {
    evidence: {
      members: slice([member('o1', 'owner'), member('a1', 'admin', { mfaEnrolled: false })]),
    },
    measured: 1,
    offenders: ['a1'],
  },
  'api-key-idle-rotation': {
    evidence: {
      apiKeys: slice([
        apiKey('fresh'),
        apiKey('idle', { createdAt: daysAgo(120), lastUsedAt: daysAgo(91) }),
        apiKey('never', { createdAt: daysAgo(95), lastUsedAt: null }),
      ]),
    },
    measured: 2,
    offenders: ['idle', 'never'],
  },
  'api-key-invalid-revoked': {
    evidence: { apiKeys: slice([apiKey('k1'), apiKey('bad', { status: 'invalid' })]) },
    measured: 1,
    offenders: ['bad'],
  },
  'deprovisioned-users': {
    evidence: {
      members: slice([member('o1', 'owner'), member('gone', 'member', { authDisabled: true })]),
    },
    measured: 1,
    offenders: ['gone'],
  },
  'owner-limit': {
    evidence: {
      members: slice(['o1', 'o2', 'o3', 'o4'].map((uid) => member(uid, 'owner'))),
    },
    measured: 4,
    offenders: ['o1', 'o2', 'o3', 'o4'],
  },
  'encryption-in-transit': {
    evidence: { encryptionInTransit: slice([{ id: 'cmek', appliesTo: 'at_rest' as const }]) },
    measured: 0,
  },
  'audit-logging-active': {
    evidence: { auditEventsLast24h: slice(0) },
    measured: 0,
  },
  'audit-log-retention': {
    evidence: { auditLogRetentionDays: slice(364) },
    measured: 364,
  },
  'incident-runbook-ownership': {
    evidence: {
      runbookSteps: slice([
        { procedureId: 'triage', order: 1, responsibleRole: 'on-call', slaMinutes: 15 },
        { procedureId: 'triage', order: 2, responsibleRole: ' ', slaMinutes: 30 },
        { procedureId: 'contain', order: 1, responsibleRole: 'security lead', slaMinutes: null },
      ]),
    },
    measured: 2,
    offenders: ['triage#2', 'contain#1'],
  },
  'vendor-review-schedule': {
    evidence: {
      vendors: slice([
        { id: 'gcp', nextReviewDate: '2027-01-01' },
        { id: 'stale', nextReviewDate: '2026-11-14' },
      ]),
    },
    measured: 1,
    offenders: ['stale'],
  },
  'access-review-quarterly': {
    evidence: {
      accessReviews: slice([
        {
          id: 'review-q3',
          title: 'Q3 access review',
          signedOffAt: new Date('2026-09-20T10:00:00Z'),
          outstanding: [{ subjectId: 'u7', decision: 'revoke' }],
        },
      ]),
    },
    measured: 'review-q3',
    offenders: ['review-q3/u7'],
  },
  'quarterly-evidence-bundle': {
    evidence: {
      archives: slice([
        { id: 'q2', periodStart: new Date('2026-04-01Z'), periodEnd: new Date('2026-07-01Z') },
      ]),
    },
    measured: null,
  },
  'security-awareness-training': {
    evidence: {
      evidenceItems: slice(currentEvidenceItems().filter((i) => i.id !== 'training')),
    },
    measured: 'missing',
  },
  'risk-assessment': {
    evidence: {
      evidenceItems: slice([
        ...currentEvidenceItems().filter((i) => i.id !== 'risk'),
        evidenceItem('old-risk', { kind: 'risk_assessment', expiresAt: daysAgo(1) }),
      ]),
    },
    measured: 'expired',
    offenders: ['old-risk'],
  },
  'vulnerability-scan': {
    evidence: {
      evidenceItems: slice([
        ...currentEvidenceItems().filter((i) => i.id !== 'scan'),
        evidenceItem('old-scan', { kind: 'vulnerability_scan', effectiveAt: daysAgo(93) }),
      ]),
    },
    measured: 'expired',
    offenders: ['old-scan'],
  },
  'penetration-test': {
    evidence: {
      evidenceItems: slice(currentEvidenceItems().filter((i) => i.id !== 'pentest')),
    },
    measured: 'missing',
  },
  'information-security-policy': {
    evidence: {
      evidenceItems: slice(currentEvidenceItems().filter((i) => i.id !== 'policy')),
    },
    measured: 'missing',
  },
};

describe('automated control tests', () => {
  it('every catalog control has exactly one automated test and a failing fixture here', () => {
    expect(Object.keys(CONTROL_TESTS).sort()).toEqual([...CONTROL_IDS].sort());
    expect(Object.keys(FAILING).sort()).toEqual([...CONTROL_IDS].sort());
  });

  it.each(CONTROLS.map((c) => [c.id, c.evidence.bundleFiles] as const))(
    "%s points at files every bundle holds, its daily results' compliance.json among them",
    (_id, files) => {
      const inEveryBundle: string[] = Object.values(BUNDLE_FILES);
      expect(files.filter((f) => !inEveryBundle.includes(f))).toEqual([]);
      expect(files).toContain(BUNDLE_FILES.compliance);
    },
  );

  it.each(CONTROL_IDS)('%s passes on healthy evidence', (controlId) => {
    const result = run(controlId, healthyEvidence());
    expect(result).toMatchObject({ controlId, status: 'pass', offenders: [] });
    expect(result.threshold).toBe(CONTROLS.find((c) => c.id === controlId)?.test.threshold);
    expect(result.evaluatedAt).toBe(NOW.toISOString());
    expect(result.evidence.length).toBeGreaterThan(0);
  });

  it.each(CONTROL_IDS)('%s fails when its evidence is broken, naming what failed', (controlId) => {
    const fixture = FAILING[controlId];
    const result = run(controlId, healthyEvidence(fixture.evidence));
    expect(result.status).toBe('fail');
    expect(result.measured).toEqual(fixture.measured);
    expect(result.offenders).toEqual(fixture.offenders ?? []);
  });

  it.each(
    CONTROL_IDS.filter(
      (id) => id !== 'quarterly-evidence-bundle' && id !== 'encryption-in-transit',
    ),
  )('%s is inconclusive, not passing, when a stored document could not be parsed', (controlId) => {
    const healthy = healthyEvidence();
    const withMalformed = Object.fromEntries(
      Object.entries(healthy).map(([k, v]) =>
        typeof v === 'object' && v !== null && 'ok' in v && v.ok
          ? [k, { ...v, malformed: 1 }]
          : [k, v],
      ),
    ) as unknown as ControlEvidence;
    const result = run(controlId, withMalformed);
    expect(result.status).toBe('inconclusive');
    expect(result.detail).toMatch(/stored document\(s\) could not be parsed/);
  });

  it('a degraded evidence slice makes the control inconclusive with the reason', () => {
    const result = run(
      'mfa-privileged-members',
      healthyEvidence({ members: missing('accessReview section degraded: auth timeout') }),
    );
    expect(result).toMatchObject({ status: 'inconclusive', measured: null });
    expect(result.detail).toContain('auth timeout');
  });

  it('an unknown Auth identity does not count as MFA enrolled for a privileged member', () => {
    const result = run(
      'mfa-privileged-members',
      healthyEvidence({ members: slice([member('a1', 'admin', { mfaEnrolled: null })]) }),
    );
    expect(result).toMatchObject({ status: 'fail', offenders: ['a1'] });
  });

  it('a disabled membership needs neither MFA nor an owner seat', () => {
    const members = slice([
      member('o1', 'owner'),
      ...['o2', 'o3', 'o4'].map((uid) =>
        member(uid, 'owner', { memberDisabled: true, mfaEnrolled: false, authDisabled: true }),
      ),
    ]);
    const evidence = healthyEvidence({ members });
    for (const id of ['mfa-privileged-members', 'owner-limit', 'deprovisioned-users']) {
      expect(run(id, evidence).status).toBe('pass');
    }
  });

  it('the owner limit follows the configuration', () => {
    const evidence = healthyEvidence({
      members: slice(['o1', 'o2'].map((uid) => member(uid, 'owner'))),
    });
    expect(runControlTest('owner-limit', evidence, NOW, { maxOwners: 1 }).status).toBe('fail');
    expect(runControlTest('owner-limit', evidence, NOW, { maxOwners: 2 }).status).toBe('pass');
  });

  it('a key used within 90 days passes however old it is; a revoked idle key is ignored', () => {
    const evidence = healthyEvidence({
      apiKeys: slice([
        apiKey('old-busy', { createdAt: daysAgo(900), lastUsedAt: daysAgo(90) }),
        apiKey('old-revoked', { status: 'revoked', createdAt: daysAgo(900), lastUsedAt: null }),
        apiKey('young-unused', { createdAt: daysAgo(30), lastUsedAt: null }),
      ]),
    });
    expect(run('api-key-idle-rotation', evidence).status).toBe('pass');
  });

  it('audit logging is not applicable when nobody was active in the last 24 hours', () => {
    const evidence = healthyEvidence({
      members: slice([member('o1', 'owner', { lastActiveAt: hoursAgo(25) })]),
      auditEventsLast24h: slice(0),
    });
    expect(run('audit-logging-active', evidence).status).toBe('not_applicable');
  });

  it('no configured retention fails the retention control', () => {
    const result = run(
      'audit-log-retention',
      healthyEvidence({ auditLogRetentionDays: slice(null) }),
    );
    expect(result).toMatchObject({ status: 'fail', measured: null });
  });

  it('a vendor due today is not overdue', () => {
    const evidence = healthyEvidence({
      vendors: slice([{ id: 'v', nextReviewDate: '2026-11-15' }]),
    });
    expect(run('vendor-review-schedule', evidence).status).toBe('pass');
  });

  describe('quarterly bundle', () => {
    it('the due quarter is the last completed one once the 48-hour grace has passed', () => {
      expect(dueQuarter(new Date('2026-10-03T00:00:01Z'))).toEqual({
        start: new Date('2026-07-01Z'),
        end: new Date('2026-10-01Z'),
      });
      expect(dueQuarter(new Date('2026-10-02T23:59:59Z'))).toEqual({
        start: new Date('2026-04-01Z'),
        end: new Date('2026-07-01Z'),
      });
      expect(dueQuarter(new Date('2027-01-05T00:00:00Z')).start).toEqual(new Date('2026-10-01Z'));
    });

    it('a bundle for a wider period that covers the quarter counts', () => {
      const evidence = healthyEvidence({
        archives: slice([
          { id: 'year', periodStart: new Date('2026-01-01Z'), periodEnd: new Date('2027-01-01Z') },
        ]),
      });
      expect(run('quarterly-evidence-bundle', evidence)).toMatchObject({
        status: 'pass',
        measured: 'year',
      });
    });

    it('a bundle covering only part of the quarter does not count', () => {
      const evidence = healthyEvidence({
        archives: slice([
          { id: 'part', periodStart: new Date('2026-08-01Z'), periodEnd: new Date('2026-10-01Z') },
        ]),
      });
      expect(run('quarterly-evidence-bundle', evidence).status).toBe('fail');
    });

    it('an account created after the due quarter ended is not applicable', () => {
      const evidence = healthyEvidence({ accountCreatedAt: daysAgo(10), archives: slice([]) });
      expect(run('quarterly-evidence-bundle', evidence).status).toBe('not_applicable');
    });
  });

  describe('evidence items', () => {
    const withItems = (...items: ReturnType<typeof evidenceItem>[]) =>
      healthyEvidence({ evidenceItems: slice(items) });

    it('a missing item fails with "missing" naming the kind and criteria needed', () => {
      const result = run('penetration-test', withItems());
      expect(result).toMatchObject({ status: 'fail', measured: 'missing' });
      expect(result.detail).toMatch(/^Missing: a stored evidence item of kind penetration_test/);
      expect(result.detail).toContain('CC4.1, CC7.1');
    });

    it('an expired item fails with "expired" naming the item and its expiry date', () => {
      const result = run(
        'security-awareness-training',
        withItems(evidenceItem('t1', { effectiveAt: daysAgo(100), expiresAt: daysAgo(2) })),
      );
      expect(result).toMatchObject({ status: 'fail', measured: 'expired', offenders: ['t1'] });
      expect(result.detail).toContain(
        't1 ("evidence t1", effective 2026-08-07) expired on 2026-11-13',
      );
    });

    it('an item expiring exactly now no longer counts; one expiring later does', () => {
      const at = (expiresAt: Date) =>
        run('security-awareness-training', withItems(evidenceItem('t', { expiresAt }))).status;
      expect(at(NOW)).toBe('fail');
      expect(at(hoursAgo(-1))).toBe('pass');
    });

    it('freshness is catalog data: a scan counts for 92 days, a pen test for a year', () => {
      const scan = (days: number) =>
        run(
          'vulnerability-scan',
          withItems(evidenceItem('s', { kind: 'vulnerability_scan', effectiveAt: daysAgo(days) })),
        ).status;
      expect([scan(92), scan(93)]).toEqual(['pass', 'fail']);
      const pentest = (days: number) =>
        run(
          'penetration-test',
          withItems(evidenceItem('p', { kind: 'penetration_test', effectiveAt: daysAgo(days) })),
        ).status;
      expect([pentest(365), pentest(366)]).toEqual(['pass', 'fail']);
    });

    it('an item effective in the future is not evidence yet', () => {
      const result = run(
        'risk-assessment',
        withItems(evidenceItem('r', { kind: 'risk_assessment', effectiveAt: daysAgo(-1) })),
      );
      expect(result.measured).toBe('missing');
    });

    it('the newest current item is named when older ones have lapsed', () => {
      const result = run(
        'information-security-policy',
        withItems(
          evidenceItem('v1', { criteria: ['CC1.1'], effectiveAt: daysAgo(400) }),
          evidenceItem('v2', { criteria: ['CC1.1'], effectiveAt: daysAgo(10) }),
        ),
      );
      expect(result).toMatchObject({ status: 'pass', measured: 'v2' });
    });

    it('criteria CC4.1/CC7.1 without a kind serve neither the scan nor the pen test', () => {
      const items = withItems(evidenceItem('x', { criteria: ['CC4.1', 'CC7.1'] }));
      expect(run('vulnerability-scan', items).measured).toBe('missing');
      expect(run('penetration-test', items).measured).toBe('missing');
    });

    it('a kind decides which control an item serves, whatever its criteria', () => {
      const items = withItems(
        evidenceItem('scan', { kind: 'vulnerability_scan', criteria: ['CC2.1'] }),
      );
      expect(run('vulnerability-scan', items).status).toBe('pass');
      expect(run('security-awareness-training', items).measured).toBe('missing');
    });
  });

  it('evaluateControls returns one result per control in catalog order', () => {
    const results = evaluateControls(healthyEvidence(), NOW, config);
    expect(results.map((r) => r.controlId)).toEqual(CONTROL_IDS);
  });

  it('offenders are capped at 50 while the measured count stays exact', () => {
    const keys = Array.from({ length: 70 }, (_, i) => apiKey(`k${i}`, { status: 'invalid' }));
    const result = run('api-key-invalid-revoked', healthyEvidence({ apiKeys: slice(keys) }));
    expect(result.measured).toBe(70);
    expect(result.offenders).toHaveLength(50);
  });
});
