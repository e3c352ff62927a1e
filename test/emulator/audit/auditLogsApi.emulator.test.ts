import { HOUR_MS } from '../../../functions/domain/time';
/** `GET /api/audit-logs` through the Hosting emulator, with real ID tokens. */
import { Timestamp } from 'firebase-admin/firestore';
import { subcollectionPath } from '../../../functions/schema/paths';
import { auditLogData } from '../../support/auditFixtures';
import { accountWithEveryRole, callApi, db } from '../../support/world';

jest.setTimeout(120_000);

type Listed = {
  id: string;
  timestamp: string;
  actorId: string;
  action: string;
  resourceType: string;
  result: string;
};
type Page = { events: Listed[]; nextPageToken: string | null };

const BASE = Date.parse('2026-04-01T00:00:00Z');
const actors = ['alice', 'bob', 'carol'];
const actions = ['auth.login', 'role.assign', 'recipe.execute', 'workflow.run'];
const results = ['success', 'failure', 'denied'];
const types = ['session', 'member', 'recipe'];

let accountId: string;
let token: string;
let memberToken: string;
const all: Listed[] = [];

beforeAll(async () => {
  const world = await accountWithEveryRole('auditapi', { plan: 'enterprise' });
  accountId = world.accountId;
  token = world.members.auditor.token;
  memberToken = world.members.member.token;
  const batch = db.batch();
  for (let i = 0; i < 72; i++) {
    // Pairs of events share a timestamp, so pages must break ties by id.
    const at = new Date(BASE + Math.floor(i / 2) * HOUR_MS);
    const event = {
      actorId: actors[i % 3],
      action: actions[i % 4],
      result: results[i % 3 === 0 ? 0 : (i % 5) % 3],
      resourceType: types[i % 2 ? 1 : 2 * (i % 3 === 1 ? 1 : 0)],
    };
    const id = `evt-${String(i).padStart(3, '0')}`;
    batch.create(
      db.doc(`${subcollectionPath(accountId, 'auditLogs')}/${id}`),
      auditLogData({ ...event, timestamp: Timestamp.fromDate(at) }),
    );
    all.push({ id, timestamp: at.toISOString(), ...event });
  }
  await batch.commit();
  all.sort((a, b) =>
    a.timestamp === b.timestamp ? (a.id < b.id ? 1 : -1) : a.timestamp < b.timestamp ? 1 : -1,
  );
});

async function list(query: Record<string, string>, as = token) {
  return callApi('/audit-logs', { token: as, query: { accountId, ...query } });
}

/** Walks every page; fails on a non-200 answer. */
async function listAll(query: Record<string, string>, pageSize = 7): Promise<Listed[]> {
  const seen: Listed[] = [];
  let pageToken: string | null = null;
  do {
    const answer = await list({
      ...query,
      pageSize: String(pageSize),
      ...(pageToken ? { pageToken } : {}),
    });
    expect(answer.status).toBe(200);
    const page = answer.json as Page;
    expect(page.events.length).toBeLessThanOrEqual(pageSize);
    seen.push(...page.events);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return seen;
}

const expected = (pred: (e: Listed) => boolean) => all.filter(pred).map((e) => e.id);

describe('GET /api/audit-logs', () => {
  it('lists every event newest first across pages, without duplicates or gaps', async () => {
    const events = await listAll({});
    expect(events.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(events[0]).toMatchObject({
      timestamp: all[0].timestamp,
      actorEmail: 'actor-1@example.test',
    });
  });

  it.each([
    [{ actorId: 'bob' }, (e: Listed) => e.actorId === 'bob'],
    [{ action: 'role.assign' }, (e: Listed) => e.action === 'role.assign'],
    [{ resourceType: 'member' }, (e: Listed) => e.resourceType === 'member'],
    [{ result: 'denied' }, (e: Listed) => e.result === 'denied'],
    [
      { actorId: 'alice', result: 'success' },
      (e: Listed) => e.actorId === 'alice' && e.result === 'success',
    ],
    [
      { actorId: 'carol', action: 'workflow.run', resourceType: 'member', result: 'failure' },
      (e: Listed) =>
        e.actorId === 'carol' &&
        e.action === 'workflow.run' &&
        e.resourceType === 'member' &&
        e.result === 'failure',
    ],
    [
      { start: '2026-04-01T05:00:00Z', end: '2026-04-01T20:00:00Z' },
      (e: Listed) =>
        e.timestamp >= '2026-04-01T05:00:00.000Z' && e.timestamp < '2026-04-01T20:00:00.000Z',
    ],
    [
      { action: 'auth.login', start: '2026-04-01T10:00:00+02:00' },
      (e: Listed) => e.action === 'auth.login' && e.timestamp >= '2026-04-01T08:00:00.000Z',
    ],
  ])('filters by %p', async (query, pred) => {
    const ids = expected(pred);
    expect(ids.length).toBeGreaterThan(0);
    expect((await listAll(query as Record<string, string>, 4)).map((e) => e.id)).toEqual(ids);
  });

  it('keeps pages stable when events are inserted between page requests', async () => {
    const first = (await list({ pageSize: '10' })).json as Page;
    await db
      .doc(`${subcollectionPath(accountId, 'auditLogs')}/zz-new`)
      .create(auditLogData({ timestamp: Timestamp.now() }));
    await db.doc(`${subcollectionPath(accountId, 'auditLogs')}/zz-old`).create(
      auditLogData({
        timestamp: Timestamp.fromDate(new Date(BASE + 40 * HOUR_MS)),
        actorId: 'dave',
      }),
    );
    const second = (await list({ pageSize: '10', pageToken: first.nextPageToken as string }))
      .json as Page;
    expect([...first.events, ...second.events].map((e) => e.id)).toEqual(
      all.slice(0, 20).map((e) => e.id),
    );
    await db.doc(`${subcollectionPath(accountId, 'auditLogs')}/zz-new`).delete();
    await db.doc(`${subcollectionPath(accountId, 'auditLogs')}/zz-old`).delete();
  });

  it('answers 400 for an invalid page token, or one issued for other filters', async () => {
    const garbage = await list({ pageToken: 'bm90LWEtdG9rZW4' });
    expect(garbage.status).toBe(400);
    expect(garbage.json).toMatchObject({ error: { code: 'invalid_argument' } });
    const page = (await list({ actorId: 'bob', pageSize: '2' })).json as Page;
    const reused = await list({ actorId: 'alice', pageToken: page.nextPageToken as string });
    expect(reused.status).toBe(400);
    expect(JSON.stringify(reused.json)).toMatch(/different query/);
  });

  it('answers 400 for an inverted time range and bad parameters', async () => {
    const inverted = await list({ start: '2026-04-02T00:00:00Z', end: '2026-04-01T00:00:00Z' });
    expect(inverted.status).toBe(400);
    expect(JSON.stringify(inverted.json)).toMatch(/start must be before end/);
    const bad: Record<string, string>[] = [
      { pageSize: '0' },
      { pageSize: '501' },
      { start: 'yesterday' },
      { result: 'ok' },
    ];
    for (const query of bad) {
      expect((await list(query)).status).toBe(400);
    }
  });

  it('requires audit:read in the account and a valid token', async () => {
    expect((await list({}, memberToken)).status).toBe(403);
    expect((await callApi('/audit-logs', { query: { accountId } })).status).toBe(401);
  });
});
