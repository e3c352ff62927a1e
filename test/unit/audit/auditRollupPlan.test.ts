import fc from 'fast-check';
import { Timestamp } from 'firebase-admin/firestore';
import { encodeKey } from '../../../functions/audit/keys';
import { planRollup, withoutActor } from '../../../functions/audit/rollupPlan';
import { mergeWindow, sumRollups, topActors } from '../../../functions/audit/rollupMath';
import { rollupShardSchema } from '../../../functions/schema/audit';

const event = (overrides: Record<string, unknown> = {}) => ({
  timestamp: Timestamp.fromDate(new Date('2026-02-10T23:30:00Z')),
  actorId: 'u1',
  actorEmail: 'u1@example.com',
  action: 'role.assign',
  resourceType: 'member',
  result: 'success',
  ...overrides,
});

const delivery = (data: Record<string, unknown>, eventId = 'e1') => ({
  accountId: 'acct',
  eventId,
  deliveryId: `ce-${eventId}`,
  data,
  arrivedAt: new Date('2026-02-12T08:00:00Z'),
  appliedAt: new Date('2026-02-12T08:00:01Z'),
});

describe('rollup plan', () => {
  it('places an event on the UTC day of its own timestamp, not of its arrival', () => {
    const plan = planRollup(delivery(event()));
    expect(plan.day).toBe('2026-02-10');
    expect(plan.docId).toBe(`2026-02-10_${String(plan.shard).padStart(2, '0')}`);
  });

  it('counts total, result, action and actor of a valid event', () => {
    const plan = planRollup(delivery(event()));
    expect(plan.problem).toBeUndefined();
    expect(plan.increments).toEqual([
      ['total'],
      ['results', 'success'],
      ['actions', encodeKey('role.assign')],
      ['actors', 'u1', 'count'],
    ]);
    expect(plan.values).toEqual([{ path: ['actors', 'u1', 'email'], value: 'u1@example.com' }]);
  });

  it('counts a malformed event as malformed with the reason, on its timestamp day when readable', () => {
    const plan = planRollup(delivery(event({ result: 'maybe', action: 'NotDotted' })));
    expect(plan.increments).toEqual([['total'], ['malformed']]);
    expect(plan.problem).toMatch(/result/);
    expect(plan.day).toBe('2026-02-10');
  });

  it('counts an event without a usable timestamp on its arrival day', () => {
    const plan = planRollup(delivery(event({ timestamp: 'yesterday' })));
    expect(plan.increments).toEqual([['total'], ['malformed']]);
    expect(plan.day).toBe('2026-02-12');
  });

  it('reopens the compacted day of an event whose day had ended when it was handled', () => {
    expect(planRollup(delivery(event())).reopensDay).toBe(true);
    const sameDay = { ...delivery(event()), appliedAt: new Date('2026-02-10T23:59:59Z') };
    expect(planRollup(sameDay).reopensDay).toBe(false);
    // A redelivery handled days after its arrival counts as late too.
    const redelivered = {
      ...delivery(event()),
      arrivedAt: new Date('2026-02-10T23:31:00Z'),
      appliedAt: new Date('2026-02-13T00:00:00Z'),
    };
    expect(planRollup(redelivered).reopensDay).toBe(true);
  });

  it('keys the dedupe marker on the function and the delivery id', () => {
    const plan = planRollup(delivery(event()));
    expect(plan.markerId).toBe('auditRollup:ce-e1');
    expect(planRollup(delivery(event())).markerId).toBe(plan.markerId);
  });

  it('lets the dedupe marker expire 30 days after arrival, well past the 7-day redelivery window', () => {
    const plan = planRollup(delivery(event()));
    expect(plan.markerExpiresAt.toISOString()).toBe('2026-03-14T08:00:00.000Z');
  });

  it('degrades to actorsOverflow while keeping every other counter', () => {
    const degraded = withoutActor(planRollup(delivery(event())));
    expect(degraded.increments).toEqual([
      ['total'],
      ['results', 'success'],
      ['actions', encodeKey('role.assign')],
      ['actorsOverflow'],
    ]);
    expect(degraded.values).toEqual([]);
  });
});

describe('rollup sums', () => {
  const shard = (data: Record<string, unknown>) =>
    rollupShardSchema.parse({ day: '2026-02-10', shard: 0, ...data });

  it('sums shards and decodes action and actor names', () => {
    const totals = sumRollups([
      shard({
        total: 3,
        results: { success: 2, denied: 1 },
        actions: { [encodeKey('auth.login')]: 3 },
        actors: { [encodeKey('a.b')]: { count: 3, email: 'a@b' } },
      }),
      shard({
        day: '2026-02-12',
        total: 2,
        malformed: 1,
        results: { success: 1 },
        actions: { [encodeKey('auth.login')]: 1 },
        actors: { [encodeKey('a.b')]: { count: 1 } },
        actorsOverflow: 0,
      }),
    ]);
    expect(totals).toMatchObject({
      total: 5,
      malformed: 1,
      byAction: { 'auth.login': 4 },
      byResult: { success: 3, denied: 1 },
    });
    expect(totals.actors.get('a.b')).toEqual({
      count: 4,
      email: 'a@b',
      lastActiveDay: '2026-02-12',
    });
  });

  it("keeps each actor's latest active day whatever order the shards come in", () => {
    const active = (day: string) => shard({ day, total: 1, actors: { u: { count: 1 } } });
    const totals = sumRollups([active('2026-02-11'), active('2026-02-14'), active('2026-02-09')]);
    expect(totals.actors.get('u')?.lastActiveDay).toBe('2026-02-14');
  });

  it('ranks top actors by count, ties by id, and cuts at the limit', () => {
    const day = '2026-02-10';
    const actors = new Map([
      ['c', { count: 5, lastActiveDay: day }],
      ['a', { count: 5, lastActiveDay: day }],
      ['b', { count: 9, lastActiveDay: day }],
      ['d', { count: 1, lastActiveDay: day }],
    ]);
    expect(topActors(actors, 3).map((a) => a.actorId)).toEqual(['b', 'a', 'c']);
  });

  it('gives, summed with the days around it, what summing the days themselves gives', () => {
    const counts = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.nat({ max: 9 }));
    const dayArb = (day: string) =>
      fc.record({
        day: fc.constant(day),
        total: fc.nat({ max: 50 }),
        malformed: fc.nat({ max: 5 }),
        actorsOverflow: fc.nat({ max: 5 }),
        results: counts,
        actions: counts,
        actors: fc.dictionary(
          fc.constantFrom('ann', 'bob', 'c%2Ey'),
          fc.record(
            { count: fc.nat({ max: 9 }), email: fc.constantFrom('x@t', 'y@t') },
            { requiredKeys: ['count'] },
          ),
        ),
      });
    const days = ['2026-02-01', '2026-02-02', '2026-02-03', '2026-02-04', '2026-02-05'];
    fc.assert(
      fc.property(
        fc.tuple(...days.map(dayArb)),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        (parts, from, length) => {
          const covered = parts.slice(from, from + length);
          const viaWindow = sumRollups([
            ...parts.slice(0, from),
            mergeWindow(covered),
            ...parts.slice(from + length),
          ]);
          expect(viaWindow).toEqual(sumRollups(parts));
          expect(mergeWindow(covered).days).toEqual(covered.map((d) => d.day));
        },
      ),
      { seed: 1317, numRuns: 300 },
    );
  });
});
