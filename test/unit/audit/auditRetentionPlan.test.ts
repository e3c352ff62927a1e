import {
  coveredIntervals,
  mayPurge,
  NO_BUNDLE_REFUSAL,
  planPurge,
  retentionCutoffs,
} from '../../../functions/audit/retentionPlan';

const now = new Date('2030-06-15T03:30:00Z');
const archive = (from: string, to: string, status = 'complete') => ({
  periodStart: new Date(from),
  periodEnd: new Date(to),
  status,
});
const at = (iso: string, action: string) => ({ action, timestamp: new Date(iso) });

describe('retention plan', () => {
  it('refuses to purge anything while no complete bundle exists, and says so', () => {
    for (const archives of [[], [archive('2020-01-01', '2021-01-01', 'building')]]) {
      const plan = planPurge(now, {}, archives);
      expect(plan).toEqual({ refused: NO_BUNDLE_REFUSAL });
      expect(mayPurge(plan, at('2001-01-01T00:00:00Z', 'recipe.execute'))).toBe(false);
    }
  });

  it('keeps security actions 7 years and others 2 years by default', () => {
    const plan = planPurge(now, {}, [archive('2000-01-01', '2030-01-01')]);
    expect(mayPurge(plan, at('2028-06-14T00:00:00Z', 'recipe.execute'))).toBe(true);
    expect(mayPurge(plan, at('2028-06-16T00:00:00Z', 'recipe.execute'))).toBe(false);
    for (const action of ['auth.login', 'role.assign', 'apikey.create', 'member.invite']) {
      expect(mayPurge(plan, at('2028-06-14T00:00:00Z', action))).toBe(false);
      expect(mayPurge(plan, at('2023-06-14T00:00:00Z', action))).toBe(true);
      expect(mayPurge(plan, at('2023-06-16T00:00:00Z', action))).toBe(false);
    }
  });

  it('treats only the exact security prefixes as security actions', () => {
    const plan = planPurge(now, {}, [archive('2000-01-01', '2030-01-01')]);
    for (const action of [
      'authx.login',
      'author.edit',
      'roles.list',
      'members2.x',
      'a.b',
      'zz.top',
    ]) {
      expect(mayPurge(plan, at('2027-01-01T00:00:00Z', action))).toBe(true);
    }
  });

  it('never deletes an event no complete bundle holds, even when past retention', () => {
    const plan = planPurge(now, {}, [
      archive('2020-01-01', '2020-04-01'),
      archive('2020-07-01', '2020-10-01'),
    ]);
    expect(mayPurge(plan, at('2019-12-31T23:59:59Z', 'recipe.execute'))).toBe(false);
    expect(mayPurge(plan, at('2020-01-01T00:00:00Z', 'recipe.execute'))).toBe(true);
    expect(mayPurge(plan, at('2020-05-01T00:00:00Z', 'recipe.execute'))).toBe(false);
    expect(mayPurge(plan, at('2020-09-30T00:00:00Z', 'recipe.execute'))).toBe(true);
    expect(mayPurge(plan, at('2020-10-01T00:00:00Z', 'recipe.execute'))).toBe(false);
  });

  it('honours the account retention settings, never giving security events less than the rest', () => {
    expect(retentionCutoffs(now, { auditLogDays: 30 }).other).toEqual(
      new Date('2030-05-16T03:30:00Z'),
    );
    const long = retentionCutoffs(now, { auditLogDays: 3650 });
    expect(long.security.getTime()).toBeLessThanOrEqual(long.other.getTime());
    expect(retentionCutoffs(now, { securityAuditLogDays: 10 }).security).toEqual(
      new Date('2030-06-05T03:30:00Z'),
    );
  });

  it('merges overlapping and touching archive periods', () => {
    expect(
      coveredIntervals([
        archive('2020-04-01', '2020-07-01'),
        archive('2020-01-01', '2020-04-01'),
        archive('2020-05-01', '2020-06-01'),
        archive('2021-01-01', '2021-04-01'),
      ]),
    ).toEqual([
      { from: new Date('2020-01-01'), to: new Date('2020-07-01') },
      { from: new Date('2021-01-01'), to: new Date('2021-04-01') },
    ]);
  });
});
