import * as net from 'node:net';
import { upstashCache } from '../../../functions/adapters/cache';
import type { Deps } from '../../../functions/app/deps';
import { permissionsOf, type Role } from '../../../functions/domain/roles';
import { summarizeAuditLog } from '../../../functions/audit/summary';
import { addDays } from '../../../functions/domain/time';
import { buildReport, type ReportStats } from '../../../functions/report/buildReport';
import { cachedReport, sectionCacheKey } from '../../../functions/report/cache';
import { SECTIONS } from '../../../functions/report/registry';
import type { EvidenceReport } from '../../../functions/schema/evidence';
import { SECTION_SLUG_LIST } from '../../../functions/schema/report';
import {
  apiKeyDoc,
  auditLogDoc,
  blockedIpDoc,
  complianceSettingsDoc,
  departmentDoc,
  resourceDoc,
  securityEventDoc,
  writeDocs,
} from '../../../scripts/seed/builders';
import { testDeps } from '../../support/deps';
import { openApiErrors } from '../../support/openApiValidator';
import {
  accountWithEveryRole,
  addMember,
  adminAuth,
  callApi,
  createAccount,
  db,
  eventually,
  idTokenFor,
  uniqueAccountId,
} from '../../support/world';

// Trigger effects (rollups, cache invalidation) are polled for up to 30 s.
jest.setTimeout(60_000);

const daysAgo = (days: number) => addDays(new Date(), -days);

const evidence = (token: string | undefined, query: Record<string, string | string[]>) =>
  callApi('/soc2-evidence', { token, query });

const realDeps = (
  cache = upstashCache({
    url: process.env.UPSTASH_REDIS_REST_URL!,
    token: process.env.UPSTASH_REDIS_REST_TOKEN!,
  }),
): Deps => testDeps({ cache });

describe('who may read evidence', () => {
  let world: Awaited<ReturnType<typeof accountWithEveryRole>>;
  beforeAll(async () => {
    world = await accountWithEveryRole('ev-roles');
  });

  const expected: [Role, number][] = [
    ['owner', 200],
    ['admin', 200],
    ['dept_lead', 200],
    ['auditor', 200],
    ['member', 403],
    ['viewer', 403],
  ];
  it.each(expected)('a %s gets %i', async (role, status) => {
    const answer = await evidence(world.members[role].token, {
      accountId: world.accountId,
      section: 'retention-policy',
    });
    expect(answer.status).toBe(status);
    if (status === 403) expect(answer.json).toMatchObject({ error: { code: 'permission_denied' } });
  });

  it('refuses an owner of another account (no cross-tenant reads)', async () => {
    const other = await createAccount(uniqueAccountId('ev-other'));
    const answer = await evidence(world.members.owner.token, { accountId: other });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ error: { code: 'permission_denied' } });
  });

  it('answers a matching If-None-Match with 304 and no body, and only to a caller who may read', async () => {
    const query = { accountId: world.accountId };
    const auditor = world.members.auditor.token;
    const conditional = (token: string, etag: string) =>
      callApi('/soc2-evidence', { token, query, headers: { 'if-none-match': etag } });
    // Member triggers of the fixture may still recompute sections; wait for a settled tag.
    const { etag, unchanged } = await eventually(
      async () => {
        const current = (await evidence(auditor, query)).headers.get('etag')!;
        const answer = await conditional(auditor, current);
        return answer.status === 304 ? { etag: current, unchanged: answer } : undefined;
      },
      { what: 'a 304 for the current tag' },
    );
    expect(etag).toMatch(/^W\/"/);
    expect(unchanged.bytes).toHaveLength(0);
    expect(unchanged.headers.get('x-evidence-cache')).toBe('hit');

    // Authorization comes before the cache: knowing the tag opens nothing.
    const other = await createAccount(uniqueAccountId('ev-etag'));
    const outsider = await idTokenFor((await addMember(other, { role: 'owner' })).uid);
    for (const token of [world.members.viewer.token, outsider]) {
      expect((await conditional(token, etag)).status).toBe(403);
    }
  });

  it('sends the report gzipped to a client that takes gzip, the same report to one that does not', async () => {
    const query = { accountId: world.accountId };
    const zipped = await callApi('/soc2-evidence', {
      token: world.members.auditor.token,
      query,
      headers: { 'accept-encoding': 'gzip' },
    });
    const plain = await callApi('/soc2-evidence', {
      token: world.members.auditor.token,
      query,
      headers: { 'accept-encoding': 'identity' },
    });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const withoutTime = (answer: { json: unknown }) => ({
      ...(answer.json as EvidenceReport),
      generatedAt: undefined,
    });
    expect(withoutTime(zipped)).toEqual(withoutTime(plain));
    expect((zipped.json as EvidenceReport).complete).toBe(true);
  });

  it('refuses a non-enterprise account with plan_required', async () => {
    const pro = await createAccount(uniqueAccountId('ev-pro'), { plan: 'pro' });
    const owner = await addMember(pro, { role: 'owner' });
    const answer = await evidence(await idTokenFor(owner.uid), { accountId: pro });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ error: { code: 'plan_required' } });
  });

  it('answers 401 without a token, with a malformed one, and with an expired one', async () => {
    const query = { accountId: world.accountId };
    expect((await evidence(undefined, query)).status).toBe(401);
    expect((await evidence('not-a-jwt', query)).status).toBe(401);
    // Emulator ID tokens are unsigned; the same claims with an `exp` in the past are expired.
    const [header, payload] = world.members.owner.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = `${header}.${Buffer.from(
      JSON.stringify({ ...claims, iat: past - 3600, auth_time: past - 3600, exp: past }),
    ).toString('base64url')}.`;
    const answer = await evidence(expired, query);
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({
      error: { code: 'unauthenticated', message: 'The ID token has expired.' },
    });
  });

  it('answers 401 for a token issued before its refresh tokens were revoked', async () => {
    const auditor = await addMember(world.accountId, { role: 'auditor' });
    const token = await idTokenFor(auditor.uid);
    expect(
      (await evidence(token, { accountId: world.accountId, section: 'data-residency' })).status,
    ).toBe(200);
    // Revocation has one-second granularity: the token must be from an earlier second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await adminAuth.revokeRefreshTokens(auditor.uid);
    const answer = await evidence(token, { accountId: world.accountId });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: { message: 'The ID token has been revoked.' } });
  });

  it('answers hostile input with a clear 4xx', async () => {
    const token = world.members.auditor.token;
    const unknown = await evidence(token, { accountId: world.accountId, section: 'passwords' });
    expect(unknown.status).toBe(400);
    for (const slug of SECTION_SLUG_LIST) {
      expect((unknown.json as { error: { message: string } }).error.message).toContain(slug);
    }
    const repeated = await evidence(token, { accountId: [world.accountId, 'other'] });
    expect(repeated.status).toBe(400);
    expect(repeated.text).toContain('accountId must be given once');
    const long = await evidence(token, { accountId: 'x'.repeat(2_000) });
    expect(long.status).toBe(400);
    expect(long.text).toContain('accountId is too long');
    // 10 KB in the URL: refused before the function runs (431) or by the schema (400), never 5xx.
    expect([400, 431]).toContain((await evidence(token, { accountId: 'x'.repeat(10_000) })).status);
    expect((await evidence(token, { accountId: '../../x' })).status).toBe(400);
    const csvWithoutTable = await evidence(token, {
      accountId: world.accountId,
      section: 'compliance-config',
      format: 'csv',
    });
    expect(csvWithoutTable.status).toBe(400);
    expect(csvWithoutTable.text).toContain('access-review');
    const post = await callApi('/soc2-evidence', { method: 'POST', token, body: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });
});

describe('report contents against a seeded fixture', () => {
  let accountId: string;
  let token: string;
  const uids: Record<string, string> = {};

  beforeAll(async () => {
    accountId = await createAccount(uniqueAccountId('ev-fixture'));
    const add = async (key: string, role: Role, departments: string[], auth: object | false) => {
      uids[key] = (
        await addMember(accountId, { role, departments, displayName: key }, auth as never)
      ).uid;
    };
    await add('own', 'owner', [], { mfaPhoneNumbers: ['+15555550101'], emailVerified: true });
    await add('adm', 'admin', [], { disabled: true });
    await add('lead', 'dept_lead', ['eng'], {});
    await add('aud', 'auditor', [], {});
    await add('mem', 'member', ['eng', 'ops'], {});
    await add('view', 'viewer', [], false);
    await writeDocs(db, [
      departmentDoc(accountId, 'eng', { name: 'Engineering' }),
      departmentDoc(accountId, 'ops', { name: 'Operations' }),
      resourceDoc(accountId, 'r1', { type: 'recipe', departmentIds: ['eng'] }),
      resourceDoc(accountId, 'r2', { type: 'recipe', memberIds: [uids.view] }),
      resourceDoc(accountId, 'w1', { type: 'workflow', departmentIds: ['eng', 'ops'] }),
      resourceDoc(accountId, 'w2', { type: 'workflow' }),
      apiKeyDoc(accountId, 'k-fresh', {
        provider: 'openai',
        createdAt: daysAgo(200),
        lastUsedAt: daysAgo(3),
      }),
      apiKeyDoc(accountId, 'k-stale', {
        provider: 'anthropic',
        createdAt: daysAgo(300),
        lastUsedAt: daysAgo(120),
      }),
      apiKeyDoc(accountId, 'k-revoked', {
        provider: 'openai',
        status: 'revoked',
        createdAt: daysAgo(50),
      }),
      securityEventDoc(accountId, 's1', { type: 'auth_failure', timestamp: daysAgo(1) }),
      securityEventDoc(accountId, 's2', { type: 'auth_failure', timestamp: daysAgo(5) }),
      securityEventDoc(accountId, 's3', { type: 'auth_failure', timestamp: daysAgo(40) }),
      securityEventDoc(accountId, 's4', {
        type: 'usage_spike',
        timestamp: daysAgo(2),
        actorId: 'x',
      }),
      blockedIpDoc(accountId, 'b1', { ip: '203.0.113.1', blockedAt: daysAgo(1) }),
      blockedIpDoc(accountId, 'b2', {
        ip: '203.0.113.2',
        blockedAt: daysAgo(10),
        expiresAt: daysAgo(3),
      }),
      complianceSettingsDoc(accountId, {
        frameworks: ['soc2', 'gdpr'],
        dataResidency: { prompts: 'local_only' },
        retention: { auditLogDays: 730 },
      }),
      auditLogDoc(accountId, 'e1', {
        actorId: uids.own,
        action: 'role.assign',
        resourceType: 'member',
      }),
      auditLogDoc(accountId, 'e2', {
        actorId: uids.own,
        action: 'role.assign',
        resourceType: 'member',
      }),
      auditLogDoc(accountId, 'e3', { actorId: uids.mem, action: 'recipe.execute' }),
    ]);
    token = await idTokenFor(uids.aud);
    // Audit writes do not invalidate the 5-minute cache (the summary may lag by that much), so the
    // first report is requested only once the rollup triggers have counted the three events.
    await eventually(
      async () =>
        (await summarizeAuditLog(db, accountId, new Date())).total === 3 ? true : undefined,
      { what: 'audit rollups of the fixture' },
    );
  });

  /** The full report once the audit rollup triggers have counted the three events. */
  const settledReport = () =>
    eventually(
      async () => {
        const answer = await evidence(token, { accountId });
        const report = answer.json as EvidenceReport;
        return report.sections.auditLogSummary?.data.total === 3 ? { answer, report } : undefined;
      },
      { what: 'audit rollups of the fixture' },
    );

  it('computes all nine sections from the fixture, complete, each matching the OpenAPI schema', async () => {
    const { answer, report } = await settledReport();
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
    expect(report.complete).toBe(true);
    expect(Object.keys(report.sections)).toHaveLength(9);
    expect(openApiErrors('GET', '/api/soc2-evidence', 200, report)).toEqual([]);
  });

  it('reports every member with role, permissions, resource access and identity flags', async () => {
    const { report } = await settledReport();
    const review = report.sections.accessReview!.data;
    const byName = Object.fromEntries(review.members.map((m) => [m.displayName, m]));
    expect(review.totals).toEqual({ members: 6, flagged: 2, mfaEnrolled: 1 });
    expect(review.roleDistribution).toEqual({
      owner: 1,
      admin: 1,
      dept_lead: 1,
      auditor: 1,
      member: 1,
      viewer: 1,
    });
    expect(byName.mem).toMatchObject({
      role: 'member',
      level: 10,
      departments: [
        { id: 'eng', name: 'Engineering' },
        { id: 'ops', name: 'Operations' },
      ],
      permissions: [...permissionsOf('member')],
      resourceAccess: { recipes: 1, workflows: 1 },
      flags: [],
    });
    expect(byName.own.resourceAccess).toEqual({ recipes: 2, workflows: 2 });
    expect(byName.lead.resourceAccess).toEqual({ recipes: 1, workflows: 1 });
    expect(byName.view.resourceAccess).toEqual({ recipes: 1, workflows: 0 });
    expect(byName.aud.resourceAccess).toEqual({ recipes: 0, workflows: 0 });
    expect(byName.own.identity).toMatchObject({
      mfaEnrolled: true,
      mfaFactors: ['phone'],
      emailVerified: true,
    });
    expect(byName.adm.flags).toEqual(['auth_user_disabled']);
    expect(byName.view).toMatchObject({ identity: null, flags: ['auth_user_missing'] });
    expect(review.apiKeys).toMatchObject({
      total: 3,
      stale: 1,
      byStatus: { valid: 2, invalid: 0, revoked: 1 },
    });
    expect(review.apiKeys.keys.filter((k) => k.stale).map((k) => k.id)).toEqual(['k-stale']);
    expect(review.malformedDocuments).toEqual([]);
  });

  it('reports security metrics, settings, catalogs and the exact audit summary', async () => {
    const { report } = await settledReport();
    const security = report.sections.securityMetrics!.data;
    expect(security.failedAuthAttempts.total).toBe(2);
    expect(security.blockedIps).toMatchObject({ active: 1, expired: 1 });
    expect(security.usageSpikes.total).toBe(1);
    expect(security.apiKeyHealth).toMatchObject({ total: 3, stale: 1 });
    expect(report.sections.complianceConfig!.data).toMatchObject({
      source: 'document',
      frameworks: ['soc2', 'gdpr'],
    });
    expect(report.sections.dataResidency!.data.categories).toEqual({ prompts: 'local_only' });
    expect(report.sections.retentionPolicy!.data).toMatchObject({
      source: 'document',
      auditLogDays: 730,
    });
    expect(report.sections.encryptionInventory!.data.total).toBeGreaterThanOrEqual(10);
    expect(report.sections.vendorRegister!.data.total).toBeGreaterThanOrEqual(11);
    expect(report.sections.incidentResponse!.data.procedures).toHaveLength(6);
    const audit = report.sections.auditLogSummary!.data;
    expect(audit.byAction).toEqual({ 'role.assign': 2, 'recipe.execute': 1 });
    expect(audit.topActors.map((a) => [a.actorId, a.count])).toEqual([
      [uids.own, 2],
      [uids.mem, 1],
    ]);
  });

  it('serves CSV tables of a tabular section, one row per member or key', async () => {
    const members = await evidence(token, { accountId, section: 'access-review', format: 'csv' });
    expect(members.status).toBe(200);
    expect(members.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(members.headers.get('content-disposition')).toContain('attachment; filename=');
    const lines = members.text.trimEnd().split('\r\n');
    expect(lines[0].startsWith('uid,email,displayName,role,level')).toBe(true);
    expect(lines).toHaveLength(7);
    const keys = await evidence(token, {
      accountId,
      section: 'access-review',
      format: 'csv',
      table: 'api-keys',
    });
    expect(keys.text.trimEnd().split('\r\n')).toHaveLength(4);
  });

  it('answers from the cache on a repeated request and recomputes after a role change', async () => {
    const query = { accountId, section: 'access-review' };
    // Fixture writes invalidate the cache through triggers; wait for them to settle into a hit.
    await eventually(
      async () => {
        await evidence(token, query);
        return (await evidence(token, query)).headers.get('x-evidence-cache') === 'hit'
          ? true
          : undefined;
      },
      { what: 'a cache hit' },
    );
    await db.doc(`accounts/${accountId}/members/${uids.mem}`).update({ role: 'admin' });
    const promoted = await eventually(
      async () => {
        const report = (await evidence(token, query)).json as EvidenceReport;
        const mem = report.sections.accessReview!.data.members.find((m) => m.uid === uids.mem);
        return mem?.role === 'admin' ? mem : undefined;
      },
      { what: 'the role change in the report' },
    );
    expect(promoted).toMatchObject({ level: 80, resourceAccess: { recipes: 2, workflows: 2 } });
    await db.doc(`accounts/${accountId}/members/${uids.mem}`).update({ role: 'member' });
  });

  it('says where a build spends its reads and time: per source and per section', async () => {
    const stats: ReportStats = { documentsRead: 0 };
    await buildReport(realDeps(), accountId, { stats });
    const bySource = stats.readsBySource!;
    expect(Object.values(bySource).reduce((a, b) => a + b, 0)).toBe(stats.documentsRead);
    expect(bySource.members).toBeGreaterThanOrEqual(6);
    expect(Object.keys(bySource)).toEqual(
      expect.arrayContaining(['members', 'apiKeys', 'settings', 'auditRollups', 'accessHistory']),
    );
    expect(Object.keys(stats.sectionMs!).sort()).toEqual(Object.keys(SECTIONS).sort());
    expect(Object.values(stats.sectionMs!).every((ms) => ms! >= 0)).toBe(true);
  });

  it('degrades one failing section and keeps the other eight intact (in-process, real data)', async () => {
    const report = await buildReport(realDeps(), accountId, {
      sectionOverrides: {
        securityMetrics: {
          ...SECTIONS.securityMetrics,
          compute: async () => {
            throw new Error('injected failure');
          },
        },
      },
    });
    expect(report.complete).toBe(false);
    expect(report.sections.securityMetrics).toMatchObject({
      status: 'degraded',
      error: { code: 'section_failed' },
      data: { failedAuthAttempts: { total: 0 }, malformedDocuments: [] },
    });
    const others = Object.entries(report.sections).filter(([key]) => key !== 'securityMetrics');
    expect(others).toHaveLength(8);
    expect(others.every(([, section]) => section!.status === 'ok')).toBe(true);
    expect(report.sections.accessReview!.data.totals.members).toBe(6);
  });

  it('still answers with the full report when Redis is down or hangs (cache bypassed)', async () => {
    const token = process.env.UPSTASH_REDIS_REST_TOKEN!;
    const closed = upstashCache({ url: 'http://127.0.0.1:9', token });
    const down = await cachedReport(realDeps(closed), accountId, SECTION_SLUG_LIST);
    expect(down.cache).toBe('bypass');
    expect(down.report.sections.accessReview!.data.totals.members).toBe(6);

    // A server that accepts connections and never answers: only the client timeout ends the wait.
    const blackHole = net.createServer(() => undefined);
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as net.AddressInfo;
    try {
      const hanging = upstashCache({ url: `http://127.0.0.1:${port}`, token, timeoutMs: 200 });
      const slow = await cachedReport(realDeps(hanging), accountId, ['access-review']);
      expect(slow.cache).toBe('bypass');
      expect(slow.report.complete).toBe(true);
    } finally {
      blackHole.close();
    }
  });
});

describe('a report too large for the cache', () => {
  it('is served computed: sections over the value limit are not sent to the cache, the rest are', async () => {
    const accountId = await createAccount(uniqueAccountId('ev-too-large'));
    for (const role of ['owner', 'admin', 'member'] as const) await addMember(accountId, { role });
    const connection = {
      url: process.env.UPSTASH_REDIS_REST_URL!,
      token: process.env.UPSTASH_REDIS_REST_TOKEN!,
    };
    // A small limit stands in for Upstash's request limit: three members' access review exceeds
    // it, as 50,000 members' (about 30 MB) exceed the production one.
    const maxValueBytes = 1500;
    const limited = upstashCache({ ...connection, maxValueBytes });
    expect(await limited.set(`${accountId}:probe`, 'x'.repeat(maxValueBytes + 1), 60)).toBe(false);

    for (let request = 0; request < 2; request++) {
      const { report } = await cachedReport(realDeps(limited), accountId, SECTION_SLUG_LIST);
      expect(report.complete).toBe(true);
      expect(report.sections.accessReview!.data.totals.members).toBe(3);
    }

    const keys = Object.keys(SECTIONS) as (keyof typeof SECTIONS)[];
    const stored = await upstashCache(connection).mget([
      `${accountId}:probe`,
      ...keys.map((key) => sectionCacheKey(accountId, key)),
    ]);
    expect(stored![0]).toBeNull();
    const cachedKeys = keys.filter((_, i) => stored![i + 1] !== null);
    expect(cachedKeys).not.toContain('accessReview');
    expect(cachedKeys.length).toBeGreaterThan(0);
    for (const value of stored!.slice(1)) {
      if (value !== null) expect(Buffer.byteLength(value)).toBeLessThanOrEqual(maxValueBytes);
    }
  });
});

describe('OpenAPI', () => {
  it('is served at /api/openapi.json and describes the real error responses', async () => {
    const doc = await callApi('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json).toMatchObject({ openapi: '3.1.0' });
    const unauthenticated = await evidence(undefined, { accountId: 'x' });
    expect(openApiErrors('GET', '/api/soc2-evidence', 401, unauthenticated.json)).toEqual([]);
    const health = await callApi('/health');
    expect(openApiErrors('GET', '/api/health', 200, health.json)).toEqual([]);
  });
});
