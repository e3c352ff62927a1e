import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getAuth, type UserRecord } from 'firebase-admin/auth';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import type { z } from 'zod';
import { ROLES } from '../../../functions/domain/roles';
import { DAY_MS } from '../../../functions/domain/time';
import { parseDocument } from '../../../functions/schema/common';
import {
  accountSchema,
  apiKeySchema,
  auditLogSchema,
  blockedIpSchema,
  complianceSettingsSchema,
  departmentSchema,
  memberSchema,
  resourceSchema,
  securityEventSchema,
} from '../../../functions/schema/documents';
import {
  accessReviewDocSchema,
  accessReviewEntryDocSchema,
} from '../../../functions/schema/accessReviews';
import { accessReviewEntriesPath, COLLECTIONS } from '../../../functions/schema/paths';
import type { SeedResult, StackEnv } from '../../../scripts/localStack/types';
import { seedDemo } from '../../../scripts/seed/demo';
import { sha256OfStream } from '../../../functions/bundle/streamHash';
import { evidenceItemDocSchema, isExpired } from '../../../functions/schema/evidenceItems';
import { testDeps } from '../../support/deps';

/**
 * Seeds the demo into a project of its own on the shared emulators: its 5,000+ audit events then
 * neither fire the audit triggers of the `demo-soc2` Functions emulator (which other test files
 * wait on) nor mix with other tests' accounts and Auth users.
 */
const SEED_PROJECT = 'demo-soc2-seed-test';
const NOW = new Date('2026-11-23T12:00:00Z');

const SCHEMAS: Record<string, z.ZodType> = {
  [COLLECTIONS.members]: memberSchema,
  [COLLECTIONS.departments]: departmentSchema,
  [COLLECTIONS.resources]: resourceSchema,
  [COLLECTIONS.apiKeys]: apiKeySchema,
  [COLLECTIONS.auditLogs]: auditLogSchema,
  [COLLECTIONS.securityEvents]: securityEventSchema,
  [COLLECTIONS.blockedIps]: blockedIpSchema,
  [COLLECTIONS.settings]: complianceSettingsSchema,
};

// Seeding and reading back 5,000+ events takes longer than the default 5 s per test.
jest.setTimeout(120_000);

let app: App;
let db: Firestore;
let seeded: SeedResult;

const acmeId = () => seeded.accounts.find((a) => a.id.endsWith('acme-robotics'))!.id;
const docsOf = async (accountId: string, collection: string) =>
  (await db.collection(`accounts/${accountId}/${collection}`).get()).docs;

beforeAll(async () => {
  const env = { ...process.env, GCLOUD_PROJECT: SEED_PROJECT } as unknown as StackEnv;
  app = initializeApp({ projectId: SEED_PROJECT }, 'seed-demo-test');
  db = getFirestore(app);
  seeded = await seedDemo(env, { now: NOW, namespace: `t${Date.now().toString(36)}-` });
});

afterAll(async () => {
  await deleteApp(app);
});

describe('seedDemo', () => {
  it('seeds Acme Robotics (enterprise), Globex Labs (pro) and a small second enterprise tenant', async () => {
    expect(seeded.accounts.map((a) => a.name)).toEqual([
      'Acme Robotics',
      'Globex Labs',
      'Initech Systems',
    ]);
    const plans = await Promise.all(
      seeded.accounts.map(async ({ id }) => (await db.doc(`accounts/${id}`).get()).get('plan')),
    );
    expect(plans).toEqual(['enterprise', 'pro', 'enterprise']);
  });

  it('gives Acme at least 25 members covering all six roles, one of them disabled', async () => {
    const members = (await docsOf(acmeId(), COLLECTIONS.members)).map((d) => d.data());
    expect(members.length).toBeGreaterThanOrEqual(25);
    expect(new Set(members.map((m) => m.role))).toEqual(new Set(ROLES));
    expect(members.filter((m) => m.disabled === true)).toHaveLength(1);
    expect(members.filter((m) => m.departments.length > 1).length).toBeGreaterThan(5);
    expect(members.filter((m) => m.lastActiveAt !== undefined).length).toBeGreaterThan(20);
  });

  it('writes at least 20 resources with ACLs and API keys that are stale, revoked and invalid', async () => {
    const resources = (await docsOf(acmeId(), COLLECTIONS.resources)).map((d) => d.data());
    expect(resources.length).toBeGreaterThanOrEqual(20);
    expect(new Set(resources.map((r) => r.type))).toEqual(new Set(['recipe', 'workflow']));
    expect(resources.some((r) => r.memberIds.length > 0)).toBe(true);

    const keys = (await docsOf(acmeId(), COLLECTIONS.apiKeys)).map((d) => d.data());
    const statuses = keys.map((k) => k.status);
    expect(statuses).toEqual(expect.arrayContaining(['valid', 'revoked', 'invalid']));
    const staleBefore = NOW.getTime() - 90 * DAY_MS;
    expect(keys.some((k) => k.status === 'valid' && k.lastUsedAt?.toMillis() < staleBefore)).toBe(
      true,
    );
    expect(keys.map((k) => k.provider)).toEqual(expect.arrayContaining(['anthropic', 'openai']));
  });

  it('writes at least 5,000 audit events over the last 45 days with realistic actions', async () => {
    const events = (await docsOf(acmeId(), COLLECTIONS.auditLogs)).map((d) => d.data());
    expect(events.length).toBeGreaterThanOrEqual(5000);
    const times = events.map((e) => e.timestamp.toMillis());
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW.getTime());
    expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW.getTime() - 45 * DAY_MS);

    const actions = new Set(events.map((e) => e.action));
    for (const action of ['auth.login', 'auth.login_failed', 'recipe.execute', 'role.assign']) {
      expect(actions).toContain(action);
    }
    const results = new Set(events.map((e) => e.result));
    expect(results).toEqual(new Set(['success', 'failure', 'denied']));
    const roleChanges = events.filter((e) => e.action === 'role.assign' && e.result === 'success');
    expect(roleChanges.length).toBeGreaterThan(0);
    for (const change of roleChanges) {
      expect(change.details.changes[0]).toEqual(
        expect.objectContaining({ field: 'role', oldValue: expect.any(String) }),
      );
    }
    // Some heavy users: the busiest actor has several times the median's events.
    const perActor = new Map<string, number>();
    for (const e of events) perActor.set(e.actorId, (perActor.get(e.actorId) ?? 0) + 1);
    const counts = [...perActor.values()].sort((a, b) => a - b);
    expect(counts[counts.length - 1]).toBeGreaterThan(3 * counts[Math.floor(counts.length / 2)]);
  });

  it('records failed sign-ins over 30 days, blocked IPs both active and expired, and usage spikes', async () => {
    const security = (await docsOf(acmeId(), COLLECTIONS.securityEvents)).map((d) => d.data());
    const types = security.map((s) => s.type);
    expect(new Set(types)).toEqual(new Set(['auth_failure', 'ip_blocked', 'usage_spike']));
    const failures = security.filter((s) => s.type === 'auth_failure');
    expect(failures.every((s) => s.timestamp.toMillis() >= NOW.getTime() - 30 * DAY_MS)).toBe(true);

    const blocked = (await docsOf(acmeId(), COLLECTIONS.blockedIps)).map((d) => d.data());
    const active = blocked.filter((b) => (b.expiresAt?.toMillis() ?? Infinity) > NOW.getTime());
    expect(active.length).toBeGreaterThan(0);
    expect(active.length).toBeLessThan(blocked.length);
  });

  it('stores compliance settings for SOC 2 and GDPR with two years of audit retention', async () => {
    const settings = (await db.doc(`accounts/${acmeId()}/settings/compliance`).get()).data();
    expect(settings?.frameworks).toEqual(['soc2', 'gdpr']);
    expect(settings?.retention.auditLogDays).toBe(730);
    expect(settings?.piiDetection.enabled).toBe(true);
  });

  it("stores Acme's evidence items with their files, the recorded SHA-256 matching, one expired", async () => {
    const docs = await docsOf(acmeId(), COLLECTIONS.evidenceItems);
    expect(docs.length).toBeGreaterThanOrEqual(5);
    const items = docs.map((d) => evidenceItemDocSchema.parse(d.data()));
    expect(items.filter((item) => isExpired(item, NOW))).toHaveLength(1);
    const store = testDeps().evidenceStore();
    for (const item of items) {
      expect(item.state).toBe('stored');
      if (item.state !== 'stored') continue;
      const stored = await sha256OfStream(store.createReadStream(item.objectPath));
      expect(stored).toEqual({ sha256: item.sha256, size: item.size });
    }
  });

  it('writes only documents that parse with the CONTRACT §2 schemas', async () => {
    const problems: string[] = [];
    for (const { id } of seeded.accounts) {
      const account = await db.doc(`accounts/${id}`).get();
      const parsed = parseDocument(accountSchema, account.ref.path, account.data());
      if (!parsed.ok) problems.push(parsed.error.message);
      for (const [collection, schema] of Object.entries(SCHEMAS)) {
        for (const doc of await docsOf(id, collection)) {
          const result = parseDocument(schema, doc.ref.path, doc.data());
          if (!result.ok) problems.push(result.error.message);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('seeds a signed-off access review last quarter with its revocation remediated, and an open one this quarter with a revocation not yet carried out', async () => {
    const reviews = await docsOf(acmeId(), COLLECTIONS.accessReviews);
    const parsed = reviews.map((d) => parseDocument(accessReviewDocSchema, d.ref.path, d.data()));
    expect(parsed.every((p) => p.ok)).toBe(true);
    const byId = new Map(parsed.map((p) => [p.id, p.ok ? p.value : undefined]));
    expect(byId.get('review-2026-Q3')).toMatchObject({
      state: 'signed_off',
      undecided: 0,
      followUp: { outstanding: 0, remediated: 1 },
    });
    expect(byId.get('review-2026-Q4')).toMatchObject({ state: 'open' });

    const entries = async (reviewId: string) =>
      (await db.collection(accessReviewEntriesPath(acmeId(), reviewId)).get()).docs.map((d) => {
        const entry = parseDocument(accessReviewEntryDocSchema, d.ref.path, d.data());
        if (!entry.ok) throw entry.error;
        return entry.value;
      });
    const closed = await entries('review-2026-Q3');
    const members = await docsOf(acmeId(), COLLECTIONS.members);
    expect(closed).toHaveLength(members.length);
    const revoked = closed.filter((e) => e.decision?.decision === 'revoke');
    expect(revoked.map((e) => [e.subject.email.split('@')[0], e.followUp?.state])).toEqual([
      [expect.stringContaining('ryan.mitchell'), 'remediated'],
    ]);
    const open = await entries('review-2026-Q4');
    const pending = open.filter((e) => e.decision?.decision === 'revoke');
    expect(pending.map((e) => [e.subject.role, e.subject.membershipDisabled, e.followUp])).toEqual([
      ['viewer', false, null],
    ]);
    expect(open.some((e) => e.decision === null)).toBe(true);
  });

  it('keeps tenants apart: no Globex member is a member of Acme', async () => {
    const globexId = seeded.accounts.find((a) => a.id.endsWith('globex-labs'))!.id;
    const acmeUids = new Set((await docsOf(acmeId(), COLLECTIONS.members)).map((d) => d.id));
    const globexUids = (await docsOf(globexId, COLLECTIONS.members)).map((d) => d.id);
    expect(globexUids.length).toBeGreaterThanOrEqual(3);
    expect(globexUids.filter((uid) => acmeUids.has(uid))).toEqual([]);
  });

  it('creates a Firebase Auth user per member, with MFA, disabled and email-verified flags', async () => {
    const uids = seeded.users.filter((u) => u.accountId === acmeId()).map((u) => ({ uid: u.uid }));
    const { users, notFound } = await getAuth(app).getUsers(uids);
    expect(notFound).toEqual([]);
    expect(users).toHaveLength(uids.length);
    const withMfa = users.filter(
      (u: UserRecord) => (u.multiFactor?.enrolledFactors.length ?? 0) > 0,
    );
    expect(withMfa.length).toBeGreaterThanOrEqual(5);
    expect(withMfa.length).toBeLessThan(users.length);
    expect(withMfa[0].multiFactor!.enrolledFactors[0].factorId).toBe('phone');
    expect(users.filter((u) => u.disabled)).toHaveLength(1);
    const verified = users.filter((u) => u.emailVerified).length;
    expect(verified).toBeGreaterThan(0);
    expect(verified).toBeLessThan(users.length);
  });

  it('seeds the same tenants again without error and without duplicating anything', async () => {
    const before = await db.collection(`accounts/${acmeId()}/auditLogs`).count().get();
    const env = { ...process.env, GCLOUD_PROJECT: SEED_PROJECT } as unknown as StackEnv;
    const namespace = acmeId().slice(0, -'acme-robotics'.length);
    const again = await seedDemo(env, { now: NOW, namespace });
    expect(again).toEqual(seeded);
    const after = await db.collection(`accounts/${acmeId()}/auditLogs`).count().get();
    expect(after.data().count).toBe(before.data().count);
  });
});
