import { DAY_MS } from '../../../functions/domain/time';
/**
 * The rollup trigger through firebase-functions-test: the deployed function object is wrapped and
 * called with CloudEvents we build, so duplicate and concurrent deliveries are under the test's
 * control. Snapshots are built, not written, so the Functions emulator's own trigger stays out.
 */
import firebaseFunctionsTest from 'firebase-functions-test';
import { Timestamp } from 'firebase-admin/firestore';
import { rollupDocId, shardOf } from '../../../functions/audit/keys';
import { auditRollup } from '../../../functions/index';
import { subcollectionPath } from '../../../functions/schema/paths';
import { auditLogData, rollupShards, rollupTotals } from '../../support/auditFixtures';
import { db, uniqueAccountId } from '../../support/world';

const fft = firebaseFunctionsTest({ projectId: process.env.GCLOUD_PROJECT });
const deliver = fft.wrap(auditRollup);
afterAll(() => fft.cleanup());
jest.setTimeout(120_000);

function delivery(
  accountId: string,
  eventId: string,
  data: Record<string, unknown>,
  deliveryId = `ce-${eventId}`,
) {
  const path = `${subcollectionPath(accountId, 'auditLogs')}/${eventId}`;
  return {
    id: deliveryId,
    data: fft.firestore.makeDocumentSnapshot(data, path),
    params: { accountId, eventId },
  };
}

describe('audit rollup trigger (firebase-functions-test)', () => {
  it('counts a duplicate delivery of one event once', async () => {
    const accountId = uniqueAccountId('rollup-dup');
    const event = delivery(accountId, 'e1', auditLogData());
    await deliver(event);
    await deliver(event);
    await Promise.all([deliver(event), deliver(event)]);
    const totals = await rollupTotals(db, accountId);
    expect(totals.total).toBe(1);
    expect(totals.byAction).toEqual({ 'recipe.execute': 1 });
    expect(totals.actors.get('actor-1')?.count).toBe(1);

    // One dedupe marker, set to expire (TTL policy on `expireAt`) well after redeliveries stop.
    const shards = await db.collection(subcollectionPath(accountId, 'auditRollups')).get();
    const markers = (
      await Promise.all(shards.docs.map((shard) => shard.ref.collection('deliveries').get()))
    ).flatMap((snapshot) => snapshot.docs);
    expect(markers.map((marker) => marker.id)).toEqual(['auditRollup:ce-e1']);
    const expireAt = (markers[0].get('expireAt') as Timestamp).toDate();
    expect(expireAt.getTime() - Date.now()).toBeGreaterThan(29 * DAY_MS);
  });

  it('counts two events with different ids twice', async () => {
    const accountId = uniqueAccountId('rollup-two');
    await deliver(delivery(accountId, 'e1', auditLogData()));
    await deliver(delivery(accountId, 'e2', auditLogData()));
    const totals = await rollupTotals(db, accountId);
    expect(totals.total).toBe(2);
    expect(totals.byResult).toEqual({ success: 2 });
  });

  it('puts events arriving out of order on the UTC day of their own timestamp', async () => {
    const accountId = uniqueAccountId('rollup-order');
    const stamp = (iso: string) => Timestamp.fromDate(new Date(iso));
    await deliver(
      delivery(accountId, 'late', auditLogData({ timestamp: stamp('2026-03-12T00:00:01Z') })),
    );
    await deliver(
      delivery(accountId, 'early', auditLogData({ timestamp: stamp('2026-03-10T23:59:59Z') })),
    );
    await deliver(
      delivery(accountId, 'middle', auditLogData({ timestamp: stamp('2026-03-11T12:00:00Z') })),
    );
    expect((await rollupTotals(db, accountId, '2026-03-10')).total).toBe(1);
    expect((await rollupTotals(db, accountId, '2026-03-11')).total).toBe(1);
    expect((await rollupTotals(db, accountId, '2026-03-12')).total).toBe(1);
  });

  it('sums 500 concurrent events on one account exactly, redeliveries included', async () => {
    const accountId = uniqueAccountId('rollup-burst');
    const events = Array.from({ length: 500 }, (_, i) =>
      delivery(
        accountId,
        `burst-${i}`,
        auditLogData({
          actorId: `actor-${i % 7}`,
          action: i % 2 ? 'auth.login' : 'recipe.execute',
          result: i % 5 === 0 ? 'denied' : 'success',
        }),
      ),
    );
    // Every tenth event is delivered twice, concurrently with the rest.
    await Promise.all([...events, ...events.filter((_, i) => i % 10 === 0)].map((e) => deliver(e)));
    const totals = await rollupTotals(db, accountId);
    expect(totals.total).toBe(500);
    expect(totals.byAction).toEqual({ 'auth.login': 250, 'recipe.execute': 250 });
    expect(totals.byResult).toEqual({ denied: 100, success: 400 });
    expect([...totals.actors.values()].reduce((sum, a) => sum + a.count, 0)).toBe(500);
    expect(totals.actors.get('actor-0')?.count).toBe(72);
    // The burst spread over the shards rather than one hot document.
    expect((await rollupShards(db, accountId)).length).toBe(10);
  });

  it('counts a malformed event under malformed instead of dropping it', async () => {
    const accountId = uniqueAccountId('rollup-bad');
    await deliver(delivery(accountId, 'bad', auditLogData({ result: 'perhaps', actorId: '' })));
    await deliver(delivery(accountId, 'good', auditLogData()));
    const totals = await rollupTotals(db, accountId);
    expect(totals).toMatchObject({ total: 2, malformed: 1, byResult: { success: 1 } });
  });

  it('keeps counting when a shard reaches the document size limit, under actorsOverflow', async () => {
    const accountId = uniqueAccountId('rollup-full');
    const eventId = 'overflowing';
    const day = '2026-03-10';
    const shard = shardOf(eventId);
    const ref = db.doc(
      `${subcollectionPath(accountId, 'auditRollups')}/${rollupDocId(day, shard)}`,
    );
    const fill = (padding: number) =>
      ref.set({
        day,
        shard,
        total: 1,
        results: { success: 1 },
        actors: { filler: { count: 1, email: 'x'.repeat(padding) } },
      });
    // Find the largest document Firestore accepts, then leave ~150 bytes: room for the degraded
    // write (a few counters), not for a new actor with a long email.
    let fits = 1_000_000;
    let tooBig = 1_048_576;
    while (tooBig - fits > 1) {
      const mid = Math.floor((fits + tooBig) / 2);
      await fill(mid).then(
        () => (fits = mid),
        () => (tooBig = mid),
      );
    }
    await fill(fits - 150);
    await deliver(
      delivery(
        accountId,
        eventId,
        auditLogData({ actorId: 'newcomer', actorEmail: `${'n'.repeat(400)}@example.test` }),
      ),
    );
    const totals = await rollupTotals(db, accountId, day);
    expect(totals.total).toBe(2);
    expect(totals.actorsOverflow).toBe(1);
    expect(totals.byAction).toEqual({ 'recipe.execute': 1 });
    expect(totals.actors.has('newcomer')).toBe(false);
  });
});
