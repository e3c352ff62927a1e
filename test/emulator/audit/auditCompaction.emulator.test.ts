/**
 * Compacted audit days against a brute-force count: seeded random events are rolled up with the
 * trigger's own code (in-process, so each event's handling time is under the test's control),
 * closed days compacted, late events for compacted days rolled up afterwards, and the summary
 * compared with a count over the events themselves.
 */
import fc from 'fast-check';
import { Timestamp } from 'firebase-admin/firestore';
import { auditWindowRef, compactAccount } from '../../../functions/audit/compaction';
import { applyRollup } from '../../../functions/audit/rollup';
import { planRollup } from '../../../functions/audit/rollupPlan';
import { summarizeAuditLog, summaryWindow } from '../../../functions/audit/summary';
import { DAY_MS, utcDay } from '../../../functions/domain/time';
import { auditDaySchema, auditWindowSchema } from '../../../functions/schema/audit';
import { subcollectionPath } from '../../../functions/schema/paths';
import { auditLogData } from '../../support/auditFixtures';
import { db, uniqueAccountId } from '../../support/world';

jest.setTimeout(300_000);

const ACTORS = ['ann', 'bob', 'cy', 'dee', 'eve', 'fay'];
const ACTIONS = ['auth.login', 'role.assign', 'recipe.execute', 'apikey.rotate', 'workflow.run'];
const RESULTS = ['success', 'failure', 'denied'] as const;

interface GeneratedEvent {
  daysBack: number;
  msIntoDay: number;
  actor: string;
  action: string;
  result: (typeof RESULTS)[number];
  malformed: boolean;
  /** Handled only after the first compaction (a late or redelivered event). */
  late: boolean;
}

const eventArb: fc.Arbitrary<GeneratedEvent> = fc.record({
  daysBack: fc.integer({ min: 0, max: 33 }),
  msIntoDay: fc.integer({ min: 0, max: DAY_MS - 1 }),
  actor: fc.constantFrom(...ACTORS),
  action: fc.constantFrom(...ACTIONS),
  result: fc.constantFrom(...RESULTS),
  // About one in twenty fails the audit-log schema.
  malformed: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  late: fc.boolean(),
});

function timestampOf(event: GeneratedEvent, now: Date): Date {
  const dayStart = Date.parse(
    `${utcDay(new Date(now.getTime() - event.daysBack * DAY_MS))}T00:00:00Z`,
  );
  // Today's events happened before now.
  return new Date(Math.min(dayStart + event.msIntoDay, now.getTime()));
}

async function rollUp(accountId: string, id: string, data: Record<string, unknown>, at: Date) {
  const plan = planRollup({
    accountId,
    eventId: id,
    deliveryId: `ce-${id}`,
    data,
    arrivedAt: at,
    appliedAt: at,
  });
  await applyRollup(db, accountId, plan);
}

function bruteForce(events: { at: Date; event: GeneratedEvent }[], now: Date) {
  const { start } = summaryWindow(now, 30);
  const inWindow = events.filter(({ at }) => at >= start && at <= now);
  const valid = inWindow.filter(({ event }) => !event.malformed);
  const tally = (key: (e: GeneratedEvent) => string) =>
    valid.reduce<Record<string, number>>((acc, { event }) => {
      acc[key(event)] = (acc[key(event)] ?? 0) + 1;
      return acc;
    }, {});
  const lastDay = new Map<string, string>();
  for (const { at, event } of valid) {
    const day = utcDay(at);
    if ((lastDay.get(event.actor) ?? '') < day) lastDay.set(event.actor, day);
  }
  const topActors = Object.entries(tally((e) => e.actor))
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, 10)
    .map(([actorId, count]) => [actorId, count, lastDay.get(actorId)]);
  return {
    total: inWindow.length,
    malformed: inWindow.length - valid.length,
    byAction: tally((e) => e.action),
    byResult: tally((e) => e.result),
    topActors,
  };
}

describe('compacted audit days', () => {
  it('keep the summary equal to a brute-force count across the compaction boundary and with late events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 50 }),
        // Mid-afternoon, and half an hour after midnight (yesterday not yet closed).
        fc.constantFrom('2026-05-20T15:00:00Z', '2026-05-20T00:30:00Z'),
        fc.boolean(),
        async (generated, nowIso, compactAgain) => {
          const now = new Date(nowIso);
          const accountId = uniqueAccountId('compaction');
          const events = generated.map((event) => ({ event, at: timestampOf(event, now) }));
          const data = (event: GeneratedEvent, at: Date) =>
            event.malformed
              ? { timestamp: Timestamp.fromDate(at), actorId: event.actor, action: 'Not Dotted' }
              : auditLogData({
                  timestamp: Timestamp.fromDate(at),
                  actorId: event.actor,
                  actorEmail: `${event.actor}@example.test`,
                  action: event.action,
                  result: event.result,
                });
          // On time: handled the moment it happened.
          await Promise.all(
            events
              .filter(({ event }) => !event.late)
              .map(({ event, at }, i) => rollUp(accountId, `on-time-${i}`, data(event, at), at)),
          );
          await compactAccount(db, accountId, now);
          // Late: handled now, after its day was compacted.
          await Promise.all(
            events
              .filter(({ event }) => event.late)
              .map(({ event, at }, i) => rollUp(accountId, `late-${i}`, data(event, at), now)),
          );
          if (compactAgain) await compactAccount(db, accountId, now);

          const summary = await summarizeAuditLog(db, accountId, now);
          const expected = bruteForce(events, now);
          expect(summary.total).toBe(expected.total);
          expect(summary.malformed).toBe(expected.malformed);
          expect(summary.byAction).toEqual(expected.byAction);
          expect(summary.byResult).toEqual(expected.byResult);
          expect(summary.topActors.map((a) => [a.actorId, a.count, a.lastActiveDay])).toEqual(
            expected.topActors,
          );
          expect(summary.malformedRollups).toBe(0);
        },
      ),
      { seed: 1313, numRuns: 12 },
    );
  });

  it('read the window document, the closed days it leaves out and today’s shards, and say when they were read', async () => {
    const accountId = uniqueAccountId('compaction-reads');
    const now = new Date('2026-05-20T15:00:00Z');
    // One event on each of the 30 days of the window, on every shard of today.
    for (let back = 0; back < 30; back++) {
      for (let i = 0; i < (back === 0 ? 40 : 3); i++) {
        const at = new Date(now.getTime() - back * DAY_MS - i * 1000);
        await rollUp(
          accountId,
          `e-${back}-${i}`,
          auditLogData({ timestamp: Timestamp.fromDate(at) }),
          at,
        );
      }
    }
    const before = await summarizeAuditLog(db, accountId, now);
    expect(await compactAccount(db, accountId, now)).toHaveLength(29);
    // Idempotent: a second run finds nothing to do.
    expect(await compactAccount(db, accountId, now)).toEqual([]);
    const startedAt = Date.now();
    const after = await summarizeAuditLog(db, accountId, now);
    expect(after.total).toBe(before.total);
    expect(after.total).toBe(29 * 3 + 40);
    const todaysShards = (
      await db
        .collection(subcollectionPath(accountId, 'auditRollups'))
        .where('day', '==', utcDay(now))
        .get()
    ).size;
    // The window document, the window's first day (not in it) and today's shards.
    expect(after.documentReads).toBe(1 + 1 + todaysShards);
    expect(before.documentReads).toBeGreaterThan(after.documentReads);
    const window = auditWindowSchema.parse((await auditWindowRef(db, accountId).get()).data());
    expect(window.days).toHaveLength(28);
    expect(window.total).toBe(28 * 3);
    expect(Date.parse(after.asOf)).toBeGreaterThanOrEqual(startedAt - 1_000);

    const days = db.collection(subcollectionPath(accountId, 'auditDays'));
    expect((await days.doc(utcDay(now)).get()).exists).toBe(false);
    const yesterday = auditDaySchema.parse(
      (await days.doc(utcDay(new Date(now.getTime() - DAY_MS))).get()).data(),
    );
    expect(yesterday.total).toBe(3);
    expect(yesterday.shards).toBeGreaterThan(0);
  });

  it('stay exact through the window document: across midnight, once outdated, after a late event, and when malformed', async () => {
    const accountId = uniqueAccountId('compaction-window');
    const builtAt = new Date('2026-05-20T15:00:00Z');
    const events: { at: Date; event: GeneratedEvent }[] = [];
    const record = async (event: GeneratedEvent, at: Date, handledAt: Date) => {
      events.push({ event, at });
      await rollUp(
        accountId,
        `e-${events.length}`,
        auditLogData({
          timestamp: Timestamp.fromDate(at),
          actorId: event.actor,
          actorEmail: `${event.actor}@example.test`,
          action: event.action,
          result: event.result,
        }),
        handledAt,
      );
    };
    const base = { msIntoDay: 0, malformed: false, late: false, result: 'success' as const };
    // Two events on each of the 32 days up to `builtAt`, actors and actions varied.
    for (let back = 31; back >= 0; back--) {
      for (let i = 0; i < 2; i++) {
        const event = {
          ...base,
          daysBack: back,
          actor: ACTORS[(back + i) % ACTORS.length],
          action: ACTIONS[(back * 2 + i) % ACTIONS.length],
        };
        const at = new Date(
          Math.min(timestampOf(event, builtAt).getTime() + i * 3_600_000, builtAt.getTime()),
        );
        await record(event, at, at);
      }
    }
    await compactAccount(db, accountId, builtAt);
    const expectExact = async (now: Date, windowUsed: boolean) => {
      const summary = await summarizeAuditLog(db, accountId, now);
      const expected = bruteForce(
        events.filter(({ at }) => at <= now),
        now,
      );
      expect(summary.total).toBe(expected.total);
      expect(summary.byAction).toEqual(expected.byAction);
      expect(summary.byResult).toEqual(expected.byResult);
      expect(summary.topActors.map((a) => [a.actorId, a.count, a.lastActiveDay])).toEqual(
        expected.topActors,
      );
      // With the window: itself, at most two uncovered closed days, and a few shards.
      if (windowUsed) expect(summary.documentReads).toBeLessThan(15);
      else expect(summary.documentReads).toBeGreaterThan(29);
    };
    await expectExact(builtAt, true);
    // The next day, before the hourly job ran again: the window moved by one day, the document
    // still lies inside it; yesterday is read from its shards.
    await expectExact(new Date('2026-05-21T00:30:00Z'), true);
    // Two days later without a rebuild: its first day fell out of the window; not used.
    await expectExact(new Date('2026-05-22T15:00:00Z'), false);

    // A late event for a day inside the window deletes the document with the compacted day.
    const handledAt = new Date('2026-05-20T16:00:00Z');
    const late = { ...base, daysBack: 5, actor: 'eve', action: 'role.assign' };
    await record(late, timestampOf(late, builtAt), handledAt);
    expect((await auditWindowRef(db, accountId).get()).exists).toBe(false);
    await expectExact(handledAt, false);
    await compactAccount(db, accountId, handledAt);
    await expectExact(handledAt, true);

    // A window document that fails its schema is ignored (logged): the days are read instead.
    await auditWindowRef(db, accountId).set({ days: 'not a list', total: -1 });
    await expectExact(handledAt, false);
    await compactAccount(db, accountId, handledAt);
    await expectExact(handledAt, true);
  });
});
