import { CONTROLS } from '../../../functions/compliance/controlCatalog';
import { complianceStatus } from '../../../functions/compliance/status';
import type { ControlTestResult, FindingStatus } from '../../../functions/schema/compliance';
import { NOW } from './fixtures';

const result = (controlId: string, status: ControlTestResult['status']): ControlTestResult => ({
  controlId,
  status,
  measured: null,
  threshold: 'fixture',
  detail: 'fixture',
  offenders: [],
  evidence: [],
  evaluatedAt: NOW.toISOString(),
});

/** Every catalog control passing, except the ones named. */
const allPassingBut = (statuses: Record<string, ControlTestResult['status']> = {}) =>
  CONTROLS.map((c) => result(c.id, statuses[c.id] ?? 'pass'));

const statusOf = (
  results: ControlTestResult[],
  findings: { controlId: string; status: FindingStatus }[] = [],
  now = NOW,
) => complianceStatus({ results, findings, lastBundleAt: null, now });

describe('compliance status', () => {
  it('passes when every control passes or does not apply', () => {
    const status = statusOf(allPassingBut({ 'owner-limit': 'not_applicable' }));
    expect(status.overall).toBe('pass');
    expect(status.controlsTotal).toBe(CONTROLS.length);
    expect(status.controlsPassed).toBe(CONTROLS.length - 1);
  });

  it('any failure fails, even next to inconclusive results', () => {
    const results = allPassingBut({
      'owner-limit': 'fail',
      'audit-logging-active': 'inconclusive',
    });
    expect(statusOf(results).overall).toBe('fail');
  });

  it('an inconclusive result without failures leaves the verdict open', () => {
    expect(statusOf(allPassingBut({ 'owner-limit': 'inconclusive' })).overall).toBe('inconclusive');
  });

  it('counts a control in every group its criteria belong to', () => {
    // audit-log-retention serves CC7.2 (security) and C1.2 (confidentiality).
    const { groups } = statusOf(allPassingBut({ 'audit-log-retention': 'fail' }));
    expect(groups.confidentiality).toMatchObject({
      status: 'fail',
      controlsTotal: 1,
      controlsPassed: 0,
      controlsFailed: 1,
      criteria: ['C1.2'],
    });
    expect(groups.security.status).toBe('fail');
    expect(groups.security.controlsFailed).toBe(1);
    expect(groups.availability).toMatchObject({ status: 'pass', controlsTotal: 1 });
  });

  it('counts statuses per group and lists the group criteria in order', () => {
    const { groups } = statusOf(
      allPassingBut({ 'owner-limit': 'not_applicable', 'vendor-review-schedule': 'inconclusive' }),
    );
    const security = CONTROLS.filter((c) => c.criteria.some((id) => id.startsWith('CC')));
    expect(groups.security).toEqual({
      status: 'inconclusive',
      controlsTotal: security.length,
      controlsPassed: security.length - 2,
      controlsFailed: 0,
      controlsNotApplicable: 1,
      controlsInconclusive: 1,
      openFindings: 0,
      criteria: [...new Set(security.flatMap((c) => c.criteria))]
        .filter((id) => id.startsWith('CC'))
        .sort(),
    });
  });

  it('a group without evaluated controls says so', () => {
    const { groups } = statusOf([result('owner-limit', 'pass')]);
    expect(groups.privacy).toMatchObject({ status: 'no_controls', controlsTotal: 0, criteria: [] });
    expect(groups.availability).toMatchObject({ status: 'no_controls', criteria: ['A1.2'] });
  });

  it('counts open and in-progress findings only, in the groups of their control', () => {
    const status = statusOf(allPassingBut(), [
      { controlId: 'audit-log-retention', status: 'open' },
      { controlId: 'owner-limit', status: 'in_progress' },
      { controlId: 'owner-limit', status: 'remediated' },
      { controlId: 'owner-limit', status: 'risk_accepted' },
    ]);
    expect(status.openFindings).toBe(2);
    expect(status.groups.security.openFindings).toBe(2);
    expect(status.groups.confidentiality.openFindings).toBe(1);
    expect(status.groups.availability.openFindings).toBe(0);
  });

  it('the next bundle is due on the first day of the next quarter, across the year end', () => {
    expect(statusOf([], [], new Date('2026-11-15T12:00:00Z')).nextBundleDate).toBe('2027-01-01');
    expect(statusOf([], [], new Date('2026-07-01T00:00:00Z')).nextBundleDate).toBe('2026-10-01');
    expect(statusOf([], [], new Date('2026-06-30T23:59:59Z')).nextBundleDate).toBe('2026-07-01');
  });

  it('reports when it was evaluated and the last bundle, if any', () => {
    const lastBundleAt = new Date('2026-10-01T02:05:00Z');
    const status = complianceStatus({ results: [], findings: [], lastBundleAt, now: NOW });
    expect(status).toMatchObject({
      evaluatedAt: NOW.toISOString(),
      lastBundleDate: '2026-10-01T02:05:00.000Z',
      overall: 'pass',
      controlsTotal: 0,
    });
    expect(statusOf([]).lastBundleDate).toBeNull();
  });
});
