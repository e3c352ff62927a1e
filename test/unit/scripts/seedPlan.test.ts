import { planAccount } from '../../../scripts/seed/demo';
import { ACME, DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../../scripts/seed/demoAccounts';
import { mulberry32 } from '../../../scripts/seed/rng';

const NOW = new Date('2026-11-23T12:00:00Z');
const plan = (seed: number, namespace = '') =>
  planAccount(ACME, { now: NOW, rng: mulberry32(seed), namespace });

describe('demo plan', () => {
  it('is the same for the same seed and clock', () => {
    expect(plan(1)).toEqual(plan(1));
  });

  it('differs for another seed', () => {
    const events = (seed: number) =>
      plan(seed)
        .docs.filter((d) => d.path.includes('/auditLogs/'))
        .map((d) => d.data);
    expect(events(2)).not.toEqual(events(1));
  });

  it('prefixes every account id, uid and document path with the namespace, and tags emails', () => {
    const planned = plan(1, 'ns1-');
    expect(planned.accountId).toBe('ns1-acme-robotics');
    expect(planned.docs.every((d) => d.path.startsWith('accounts/ns1-acme-robotics'))).toBe(true);
    expect(planned.users.every((u) => u.uid.startsWith('ns1-'))).toBe(true);
    expect(planned.users.every((u) => u.email.includes('+ns1@'))).toBe(true);
  });

  it('gives every person of every demo account a portal password, the same as their Auth user', () => {
    for (const spec of DEMO_ACCOUNTS) {
      const planned = planAccount(spec, { now: NOW, rng: mulberry32(1), namespace: '' });
      for (const [i, user] of planned.users.entries()) {
        expect(user.password).toBe(DEMO_PASSWORD);
        expect(planned.authUsers[i]).toMatchObject({ uid: user.uid, password: DEMO_PASSWORD });
      }
    }
  });

  it('names a signed-in-able user of every role in the enterprise demo account', () => {
    const roles = new Set(
      plan(1)
        .users.filter((u) => !u.disabled)
        .map((u) => u.role),
    );
    expect([...roles].sort()).toEqual(
      ['admin', 'auditor', 'dept_lead', 'member', 'owner', 'viewer'].sort(),
    );
  });

  it('never writes undefined fields, which Firestore would refuse', () => {
    const hasUndefined = (value: unknown): boolean =>
      value === undefined ||
      (typeof value === 'object' &&
        value !== null &&
        !(value instanceof Date) &&
        Object.values(value).some(hasUndefined));
    for (const spec of DEMO_ACCOUNTS) {
      const planned = planAccount(spec, { now: NOW, rng: mulberry32(1), namespace: '' });
      expect(planned.docs.filter((d) => hasUndefined(d.data)).map((d) => d.path)).toEqual([]);
    }
  });
});

describe('mulberry32', () => {
  it('produces the reference mulberry32 sequence, so seeded data never drifts', () => {
    // The public-domain reference (bryc), written independently of scripts/seed/rng.ts.
    let state = 1;
    const reference = () => {
      let t = (state += 0x6d2b79f5);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const rng = mulberry32(1);
    const ours = Array.from({ length: 1000 }, () => rng.next());
    expect(ours).toEqual(Array.from({ length: 1000 }, reference));
    expect(ours[0]).toBe(2693262067 / 2 ** 32);
  });

  it('samples without repeats and never more than the list holds', () => {
    const rng = mulberry32(3);
    const sample = rng.sample([1, 2, 3, 4, 5], 3);
    expect(new Set(sample).size).toBe(3);
    expect(rng.sample([1, 2], 5).sort()).toEqual([1, 2]);
  });
});
