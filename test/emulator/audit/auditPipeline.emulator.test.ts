import { DAY_MS, utcDay } from '../../../functions/domain/time';
/**
 * The audit pipeline end to end: documents written with the admin SDK, as the host product does,
 * are rolled up by the triggers running in the Functions emulator; the summary, access history,
 * recording helper and retention job run against what they produced.
 */
import firebaseFunctionsTest from 'firebase-functions-test';
import { Timestamp } from 'firebase-admin/firestore';
import { recentAccessChanges } from '../../../functions/audit/accessHistory';
import { buildAccessRecent, reportAccessChanges } from '../../../functions/audit/accessRecent';
import { recordAuditEvent } from '../../../functions/audit/record';
import { NO_BUNDLE_REFUSAL } from '../../../functions/audit/retentionPlan';
import { summarizeAuditLog } from '../../../functions/audit/summary';
import { ApiError } from '../../../functions/domain/errors';
import { auditRetention } from '../../../functions/index';
import { subcollectionPath } from '../../../functions/schema/paths';
import { mulberry32 } from '../../../scripts/seed/rng';
import { auditLogData, rollupTotals } from '../../support/auditFixtures';
import { eventually } from '../../support/eventually';
import { addMember, createAccount, db, uniqueAccountId } from '../../support/world';

jest.setTimeout(300_000);
const fft = firebaseFunctionsTest({ projectId: process.env.GCLOUD_PROJECT });
afterAll(() => fft.cleanup());

const logs = (accountId: string) => db.collection(subcollectionPath(accountId, 'auditLogs'));

async function writeEvents(accountId: string, events: [string, Record<string, unknown>][]) {
  const writer = db.bulkWriter({ throttling: false });
  for (const [id, data] of events) void writer.create(logs(accountId).doc(id), data);
  await writer.close();
}

const rolledUp = (accountId: string, total: number) =>
  eventually(
    async () => {
      const totals = await rollupTotals(db, accountId);
      return totals.total >= total ? totals : undefined;
    },
    { what: `${total} events rolled up for ${accountId}`, timeoutMs: 240_000, intervalMs: 500 },
  );

describe('audit pipeline through the Functions emulator', () => {
  it('rolls up an event the host product writes', async () => {
    const accountId = uniqueAccountId('pipe-one');
    await writeEvents(accountId, [['one', auditLogData({ action: 'auth.login' })]]);
    const totals = await rolledUp(accountId, 1);
    expect(totals.byAction).toEqual({ 'auth.login': 1 });
  });

  it('counts a malformed event written by the host product as malformed', async () => {
    const accountId = uniqueAccountId('pipe-bad');
    await writeEvents(accountId, [
      ['bad', { timestamp: Timestamp.now(), actorId: 7, action: 'x' }],
    ]);
    const totals = await rolledUp(accountId, 1);
    expect(totals.malformed).toBe(1);
  });

  it('gives rollup totals equal to a brute-force count over thousands of random raw events', async () => {
    const accountId = uniqueAccountId('pipe-random');
    const rng = mulberry32(424242);
    const now = new Date('2026-05-20T15:00:00Z');
    const actors = Array.from({ length: 60 }, (_, i) => `user.${i}@corp`);
    const actions = Array.from(
      { length: 30 },
      (_, i) => `${['auth', 'role', 'recipe', 'workflow', 'apikey'][i % 5]}.op_${i}`,
    );
    const events: [string, Record<string, unknown>][] = [];
    for (let i = 0; i < 3000; i++) {
      const timestamp = Timestamp.fromMillis(now.getTime() - rng.int(0, 45 * DAY_MS));
      events.push([
        rng.id(),
        rng.chance(0.02)
          ? {
              timestamp,
              actorId: rng.pick(actors),
              action: 'Not A Dotted Action',
              result: 'success',
              resourceType: 'x',
            }
          : auditLogData({
              timestamp,
              actorId: rng.pick(actors),
              action: rng.pick(actions),
              result: rng.weighted([
                ['success', 8],
                ['failure', 1],
                ['denied', 1],
              ] as const),
            }),
      ]);
    }
    await writeEvents(accountId, events);
    await rolledUp(accountId, events.length);

    // Brute force over the raw documents as stored.
    const raw = (await logs(accountId).get()).docs.map((d) => d.data());
    expect(raw).toHaveLength(events.length);
    const summary = await summarizeAuditLog(db, accountId, now);
    const windowStart = Date.parse(summary.windowStart);
    const inWindow = raw.filter((e) => (e.timestamp as Timestamp).toMillis() >= windowStart);
    const valid = inWindow.filter((e) => !String(e.action).includes(' '));
    const count = (key: string) =>
      valid.reduce<Record<string, number>>(
        (acc, e) => ({ ...acc, [e[key]]: (acc[e[key]] ?? 0) + 1 }),
        {},
      );
    expect(summary.total).toBe(inWindow.length);
    expect(summary.malformed).toBe(inWindow.length - valid.length);
    expect(summary.byAction).toEqual(count('action'));
    expect(summary.byResult).toEqual(count('result'));
    const byActor = Object.entries(count('actorId')).sort(
      ([a, x], [b, y]) => y - x || (a < b ? -1 : 1),
    );
    expect(summary.topActors.map((a) => [a.actorId, a.count])).toEqual(byActor.slice(0, 10));
    expect(summary.approximateTopActors).toBe(false);
    // The day of the actor's newest event in the window, from the same counters.
    const top = summary.topActors[0];
    const newest = Math.max(
      ...valid
        .filter((e) => e.actorId === top.actorId)
        .map((e) => (e.timestamp as Timestamp).toMillis()),
    );
    expect(top.lastActiveDay).toBe(utcDay(new Date(newest)));
    // Nothing compacted yet: the window document and the 29 closed days looked up (none there),
    // then at most ten shards for each of the 30 days.
    expect(summary.documentReads).toBeLessThanOrEqual(1 + 29 + 30 * 10);
    // Per day, over the whole 46 days, including those outside the summary window.
    const rolled = await rollupTotals(db, accountId);
    expect(rolled.total).toBe(raw.length);
  });

  it('records role and department changes with who made them', async () => {
    const accountId = await createAccount(uniqueAccountId('pipe-access'), { plan: 'enterprise' });
    const since = new Date(Date.now() - 60_000);
    const member = await addMember(accountId, { role: 'member', departments: ['eng'] }, false);
    const ref = db.doc(`${subcollectionPath(accountId, 'members')}/${member.uid}`);
    await ref.update({ role: 'admin', updatedBy: 'owner-uid' });
    await ref.update({ lastActiveAt: Timestamp.now() });
    await ref.update({ departments: ['eng', 'ops'], updatedBy: 'admin-uid' });
    const changes = await eventually(
      async () => {
        const { changes: found, malformed } = await recentAccessChanges(db, accountId, since);
        expect(malformed).toEqual([]);
        return found.length >= 3 ? found : undefined;
      },
      { what: 'three access changes', timeoutMs: 60_000 },
    );
    expect(changes.map((c) => [c.kind, c.before.role, c.after.role, c.changedBy])).toEqual([
      ['updated', 'admin', 'admin', 'admin-uid'],
      ['updated', 'member', 'admin', 'owner-uid'],
      ['created', undefined, 'member', undefined],
    ]);
    expect(changes[0].after.departments).toEqual(['eng', 'ops']);
  });

  it('keeps the digest of recent access changes equal to the raw history', async () => {
    const accountId = await createAccount(uniqueAccountId('pipe-digest'), { plan: 'enterprise' });
    const since = new Date(Date.now() - 60_000);
    expect(await buildAccessRecent(db, accountId)).toBe(true);
    const members = await Promise.all(
      ['eng', 'ops', 'sales'].map((dept) =>
        addMember(accountId, { role: 'member', departments: [dept] }, false),
      ),
    );
    await Promise.all(
      members.map((m) =>
        db
          .doc(`${subcollectionPath(accountId, 'members')}/${m.uid}`)
          .update({ role: 'admin', updatedBy: 'owner-uid' }),
      ),
    );
    const fromDigest = await eventually(
      async () => {
        const seen = await reportAccessChanges(db, accountId, since);
        return seen.changes.length >= 6 ? seen : undefined;
      },
      { what: 'six access changes in the digest', timeoutMs: 60_000 },
    );
    expect(fromDigest.documentReads).toBeLessThanOrEqual(11);
    const { documentReads: _reads, ...history } = fromDigest;
    expect(history).toEqual(await recentAccessChanges(db, accountId, since));
  });
});

describe('recording helper', () => {
  it('records a retried call once and stamps the server time when none is given', async () => {
    const accountId = uniqueAccountId('record');
    const input = {
      actorId: 'u1',
      action: 'auth.login',
      resourceType: 'session',
      result: 'success' as const,
    };
    const first = await recordAuditEvent(db, accountId, input, { idempotencyKey: 'req-1' });
    const retry = await recordAuditEvent(db, accountId, input, { idempotencyKey: 'req-1' });
    expect(first.created).toBe(true);
    expect(retry).toEqual({ id: first.id, created: false });
    const stored = (await logs(accountId).get()).docs;
    expect(stored).toHaveLength(1);
    expect(stored[0].get('timestamp')).toBeInstanceOf(Timestamp);
  });

  it('refuses invalid input with a clear error and writes nothing', async () => {
    const accountId = uniqueAccountId('record-bad');
    const bad = { actorId: '', action: 'Login', resourceType: 'session', result: 'ok' } as never;
    const error = await recordAuditEvent(db, accountId, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toMatch(/actorId.*action.*result/);
    expect((await logs(accountId).get()).size).toBe(0);
  });
});

describe('retention job', () => {
  const run = (at: Date) =>
    (auditRetention as unknown as { run(e: object): Promise<void> }).run({
      scheduleTime: at.toISOString(),
      jobName: 'auditRetention',
    });

  it('refuses to purge while no signed bundle covers the events, and purges only covered, expired events once one does', async () => {
    const accountId = await createAccount(uniqueAccountId('retention'), { plan: 'enterprise' });
    const now = new Date();
    const yearsAgo = (y: number, days = 0) =>
      Timestamp.fromMillis(now.getTime() - y * 366 * DAY_MS - days * DAY_MS);
    await writeEvents(accountId, [
      ['old-recipe', auditLogData({ timestamp: yearsAgo(3), action: 'recipe.execute' })],
      ['old-login', auditLogData({ timestamp: yearsAgo(3), action: 'auth.login' })],
      ['ancient-login', auditLogData({ timestamp: yearsAgo(8), action: 'auth.login' })],
      ['recent-recipe', auditLogData({ timestamp: yearsAgo(1), action: 'recipe.execute' })],
      ['uncovered-recipe', auditLogData({ timestamp: yearsAgo(10), action: 'recipe.execute' })],
    ]);
    await rolledUp(accountId, 5);
    const ids = async () => (await logs(accountId).get()).docs.map((d) => d.id).sort();
    const { purgeExpiredAuditEvents } = await import('../../../functions/audit/retention');

    expect(await purgeExpiredAuditEvents(db, accountId, now)).toEqual({
      accountId,
      refused: NO_BUNDLE_REFUSAL,
    });
    await run(now);
    expect(await ids()).toHaveLength(5);

    await db.doc(`${subcollectionPath(accountId, 'evidenceArchives')}/a1`).set({
      periodStart: yearsAgo(9),
      periodEnd: Timestamp.fromMillis(now.getTime() - 30 * DAY_MS),
      status: 'complete',
    });
    await run(now);
    expect(await ids()).toEqual(['old-login', 'recent-recipe', 'uncovered-recipe']);
    // Rollups are kept: the purged events still count.
    expect((await rollupTotals(db, accountId)).total).toBe(5);
  });
});
