import { diffSnapshots } from '../../../functions/bundle/contents';
import {
  customPeriod,
  parseQuarter,
  periodId,
  previousQuarter,
} from '../../../functions/bundle/period';
import { ApiError } from '../../../functions/domain/errors';
import type { StateSnapshot } from '../../../functions/schema/bundle';

const d = (iso: string) => new Date(iso);

describe('bundle periods', () => {
  it.each([
    ['2026-01-01T02:00:00Z', '2025-Q4', '2025-10-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    ['2026-04-01T00:00:00Z', '2026-Q1', '2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
    ['2026-10-01T02:00:00Z', '2026-Q3', '2026-07-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z'],
    ['2026-12-31T23:59:59Z', '2026-Q3', '2026-07-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z'],
  ])('a run at %s archives %s', (now, id, start, end) => {
    const period = previousQuarter(d(now));
    expect({
      id: period.id,
      start: period.start.toISOString(),
      end: period.end.toISOString(),
    }).toEqual({
      id,
      start,
      end,
    });
  });

  it('a custom period that is exactly a quarter gets the quarter id; others a start_end id', () => {
    expect(periodId(d('2026-07-01T00:00:00Z'), d('2026-10-01T00:00:00Z'))).toBe('2026-Q3');
    expect(periodId(d('2026-07-01T00:00:00Z'), d('2026-08-15T00:00:00Z'))).toBe(
      '2026-07-01_2026-08-15',
    );
    expect(periodId(d('2026-07-01T12:30:00Z'), d('2026-08-15T00:00:00Z'))).toBe(
      '20260701T123000.000Z_2026-08-15',
    );
    expect(parseQuarter('2026-Q3').end.toISOString()).toBe('2026-10-01T00:00:00.000Z');
  });

  const now = d('2026-11-23T00:00:00Z');
  it.each([
    ['2026-10-01T00:00:00Z', '2026-07-01T00:00:00Z', 'periodEnd: must be after periodStart'],
    ['2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z', 'periodEnd: must be after periodStart'],
    ['2026-11-01T00:00:00Z', '2026-11-23T00:00:01Z', 'periodEnd: must not be in the future'],
    [
      '2025-01-01T00:00:00Z',
      '2026-01-03T00:00:00Z',
      'periodStart: the period must not be longer than 366 days',
    ],
  ])('refuses %s → %s: %s', (start, end, message) => {
    expect(() => customPeriod(d(start), d(end), now)).toThrow(
      new ApiError('invalid_argument', message),
    );
  });

  it('accepts a period of exactly 366 days ending now', () => {
    expect(customPeriod(d('2025-11-22T00:00:00Z'), now, now).id).toBe('2025-11-22_2026-11-23');
  });

  it('rejects a malformed quarter id', () => {
    expect(() => parseQuarter('2026-Q5')).toThrow('period must look like 2026-Q3, got "2026-Q5"');
  });
});

describe('changes.json against the previous bundle', () => {
  const hash = (c: string) => c.repeat(64);
  const previous: StateSnapshot = {
    members: { alice: 'owner', bob: 'member', carol: 'admin' },
    apiKeys: {
      k1: { provider: 'openai', status: 'valid' },
      k2: { provider: 'anthropic', status: 'valid' },
    },
    settingsSha256: hash('a'),
    catalogs: { 'vendors.csv': hash('1'), 'encryption.csv': hash('2') },
  };
  const current: StateSnapshot = {
    members: { alice: 'owner', bob: 'admin', dave: 'auditor' },
    apiKeys: {
      k1: { provider: 'openai', status: 'revoked' },
      k3: { provider: 'openai', status: 'valid' },
    },
    settingsSha256: hash('b'),
    catalogs: { 'vendors.csv': hash('1'), 'encryption.csv': hash('3') },
  };

  it('names members added and removed, role changes, keys created, revoked and deleted', () => {
    expect(diffSnapshots(previous, current)).toEqual({
      members: {
        added: [{ uid: 'dave', role: 'auditor' }],
        removed: [{ uid: 'carol', role: 'admin' }],
        roleChanged: [{ uid: 'bob', from: 'member', to: 'admin' }],
      },
      apiKeys: {
        created: [{ id: 'k3', provider: 'openai', status: 'valid' }],
        revoked: [{ id: 'k1', provider: 'openai', status: 'revoked' }],
        deleted: [{ id: 'k2', provider: 'anthropic', status: 'valid' }],
      },
      settingsChanged: true,
      catalogsChanged: ['encryption.csv'],
    });
  });

  it('an access review that could not be computed reads as unknown, not as everyone removed', () => {
    const diff = diffSnapshots(previous, {
      ...current,
      members: null,
      apiKeys: null,
      settingsSha256: null,
    });
    expect(diff.members).toEqual({ unknown: expect.stringContaining('could not be computed') });
    expect(diff.apiKeys).toEqual({ unknown: expect.stringContaining('could not be computed') });
    expect(diff.settingsChanged).toBeNull();
  });

  it('the first bundle lists everyone as added', () => {
    const diff = diffSnapshots(null, current);
    expect(diff.members).toMatchObject({
      added: expect.arrayContaining([{ uid: 'alice', role: 'owner' }]),
      removed: [],
    });
    expect(diff.catalogsChanged).toEqual(['vendors.csv', 'encryption.csv']);
  });
});
