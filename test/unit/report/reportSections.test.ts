import { permissionsOf } from '../../../functions/domain/roles';
import { addDays } from '../../../functions/domain/time';
import type {
  ApiKey,
  BlockedIp,
  Department,
  Member,
  Resource,
  SecurityEvent,
} from '../../../functions/schema/documents';
import type { IdentityFacts } from '../../../functions/schema/evidence';
import { computeAccessReview } from '../../../functions/report/sections/accessReview';
import { summarizeApiKeys, STALE_KEY_RULE } from '../../../functions/report/sections/apiKeys';
import { computeComplianceConfig } from '../../../functions/report/sections/complianceConfig';
import { COMPLIANCE_DEFAULTS } from '../../../functions/report/sections/complianceDefaults';
import { computeDataResidency } from '../../../functions/report/sections/dataResidency';
import { computeEncryptionInventory } from '../../../functions/report/sections/encryptionInventory';
import { computeRetentionPolicy } from '../../../functions/report/sections/retentionPolicy';
import { computeSecurityMetrics } from '../../../functions/report/sections/securityMetrics';
import { computeVendorRegister } from '../../../functions/report/sections/vendorRegister';
import type { ParsedCollection } from '../../../functions/report/types';
import { CATALOGS } from '../../../functions/catalogs';
import { SECTION_DATA_SCHEMAS } from '../../../functions/schema/evidence';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const daysAgo = (days: number) => addDays(NOW, -days);

const collection = <T>(
  entries: Record<string, T>,
  malformed: string[] = [],
): ParsedCollection<T> => ({
  docs: Object.entries(entries).map(([id, value]) => ({ id, value })),
  malformed: malformed.map((path) => ({ path, problem: 'role: invalid option' })),
});

const member = (
  role: Member['role'],
  departments: string[] = [],
  extra: Partial<Member> = {},
): Member => ({
  email: `${role}@example.test`,
  displayName: role,
  role,
  departments,
  ...extra,
});

const identity = (extra: Partial<IdentityFacts> = {}): IdentityFacts => ({
  disabled: false,
  emailVerified: true,
  mfaEnrolled: false,
  mfaFactors: [],
  lastSignInAt: null,
  providers: ['password'],
  ...extra,
});

const resource = (
  type: Resource['type'],
  departmentIds: string[],
  memberIds: string[] = [],
): Resource => ({
  type,
  name: `${type}-${departmentIds.join('+')}-${memberIds.join('+')}`,
  departmentIds,
  memberIds,
});

describe('access review', () => {
  const members = collection({
    own: member('owner', []),
    adm: member('admin', []),
    lead: member('dept_lead', ['eng']),
    aud: member('auditor', []),
    mem: member('member', ['eng', 'ops'], { lastActiveAt: daysAgo(2) }),
    view: member('viewer', ['ghost']),
  });
  const resources = collection({
    r1: resource('recipe', ['eng']),
    r2: resource('recipe', ['ops'], ['view']),
    r3: resource('recipe', [], ['mem']),
    w1: resource('workflow', ['eng', 'ops']),
    w2: resource('workflow', [], []),
  });
  const review = computeAccessReview({
    members,
    departments: collection<Department>({
      eng: { name: 'Engineering' },
      ops: { name: 'Operations' },
    }),
    resources,
    apiKeys: collection<ApiKey>({}),
    identities: new Map([
      ['own', identity({ mfaEnrolled: true, mfaFactors: ['phone'] })],
      ['adm', identity({ disabled: true })],
      ['lead', identity()],
      ['aud', identity()],
      ['mem', identity()],
    ]),
    recentAccessChanges: { changes: [], malformed: [] },
    now: NOW,
  });
  const byUid = Object.fromEntries(review.members.map((m) => [m.uid, m]));

  it('counts resources reachable by uid, by shared department, or by level ≥ 80, per type', () => {
    expect(byUid.own.resourceAccess).toEqual({ recipes: 3, workflows: 2 });
    expect(byUid.adm.resourceAccess).toEqual({ recipes: 3, workflows: 2 });
    expect(byUid.lead.resourceAccess).toEqual({ recipes: 1, workflows: 1 });
    // r1 via eng, r2 via ops, r3 by uid, w1 via both departments (counted once).
    expect(byUid.mem.resourceAccess).toEqual({ recipes: 3, workflows: 1 });
    expect(byUid.view.resourceAccess).toEqual({ recipes: 1, workflows: 0 });
    expect(byUid.aud.resourceAccess).toEqual({ recipes: 0, workflows: 0 });
  });

  it("lists each member's role, level, full permission list and named departments", () => {
    expect(byUid.lead).toMatchObject({ role: 'dept_lead', level: 60 });
    expect(byUid.lead.permissions).toEqual([...permissionsOf('dept_lead')]);
    expect(byUid.mem.departments).toEqual([
      { id: 'eng', name: 'Engineering' },
      { id: 'ops', name: 'Operations' },
    ]);
    expect(byUid.view.departments).toEqual([{ id: 'ghost', name: null }]);
    expect(byUid.mem.lastActiveAt).toBe(daysAgo(2).toISOString());
    expect(byUid.own.lastActiveAt).toBeNull();
  });

  it('flags members whose Auth user is missing or disabled, and counts MFA', () => {
    expect(byUid.view.flags).toEqual(['auth_user_missing']);
    expect(byUid.view.identity).toBeNull();
    expect(byUid.adm.flags).toEqual(['auth_user_disabled']);
    expect(byUid.own.flags).toEqual([]);
    expect(review.totals).toEqual({ members: 6, flagged: 2, mfaEnrolled: 1 });
  });

  it('gives the distribution of every role, zeros included', () => {
    expect(review.roleDistribution).toEqual({
      owner: 1,
      admin: 1,
      dept_lead: 1,
      auditor: 1,
      member: 1,
      viewer: 1,
    });
  });

  it('lists malformed documents of every collection it read, access history included', () => {
    const withBroken = computeAccessReview({
      members: collection({}, ['accounts/a/members/bad']),
      departments: collection({}, ['accounts/a/departments/bad']),
      resources: collection({}),
      apiKeys: collection({}, ['accounts/a/apiKeys/bad']),
      identities: new Map(),
      recentAccessChanges: {
        changes: [],
        malformed: [{ path: 'accounts/a/accessHistory/bad', problem: 'kind: invalid option' }],
      },
      now: NOW,
    });
    expect(withBroken.malformedDocuments.map((m) => m.path)).toEqual([
      'accounts/a/members/bad',
      'accounts/a/departments/bad',
      'accounts/a/apiKeys/bad',
      'accounts/a/accessHistory/bad',
    ]);
  });

  it('matches its published schema', () => {
    expect(SECTION_DATA_SCHEMAS.accessReview.safeParse(review).success).toBe(true);
  });
});

describe('API key summary', () => {
  const keys = summarizeApiKeys(
    collection<ApiKey>({
      fresh: {
        provider: 'openai',
        status: 'valid',
        createdAt: daysAgo(200),
        lastUsedAt: daysAgo(3),
      },
      unused: {
        provider: 'anthropic',
        status: 'valid',
        createdAt: daysAgo(300),
        lastUsedAt: daysAgo(91),
      },
      edge: {
        provider: 'anthropic',
        status: 'valid',
        createdAt: daysAgo(300),
        lastUsedAt: daysAgo(90),
      },
      never: { provider: 'openai', status: 'valid', createdAt: daysAgo(120) },
      young: { provider: 'openai', status: 'valid', createdAt: daysAgo(10) },
      revoked: { provider: 'mistral', status: 'revoked', createdAt: daysAgo(400) },
      invalid: {
        provider: 'openai',
        status: 'invalid',
        createdAt: daysAgo(5),
        lastUsedAt: daysAgo(1),
      },
    }),
    NOW,
  );
  const byId = Object.fromEntries(keys.keys.map((k) => [k.id, k]));

  it('calls a valid key stale after more than 90 days without use, saying why', () => {
    expect(byId.unused).toMatchObject({ stale: true, staleReason: 'unused_for_stale_period' });
    expect(byId.never).toMatchObject({ stale: true, staleReason: 'never_used_since_creation' });
    expect(byId.edge).toMatchObject({ stale: false, staleReason: null });
    expect(byId.fresh.stale).toBe(false);
    expect(byId.young.stale).toBe(false);
    expect(keys.staleRule).toBe(STALE_KEY_RULE);
  });

  it('reports revoked and invalid keys by status without calling them stale', () => {
    expect(byId.revoked).toMatchObject({ status: 'revoked', stale: false, ageDays: 400 });
    expect(byId.invalid).toMatchObject({ status: 'invalid', stale: false });
    expect(keys.byStatus).toEqual({ valid: 5, invalid: 1, revoked: 1 });
    expect(keys.total).toBe(7);
    expect(keys.stale).toBe(2);
    expect(keys.providers).toEqual(['anthropic', 'mistral', 'openai']);
  });
});

describe('security metrics', () => {
  const events = collection<SecurityEvent>({
    f1: { type: 'auth_failure', timestamp: daysAgo(1), ip: '10.0.0.1' },
    f2: { type: 'auth_failure', timestamp: new Date(daysAgo(1).getTime() + 1000) },
    f3: { type: 'auth_failure', timestamp: daysAgo(29) },
    old: { type: 'auth_failure', timestamp: daysAgo(31) },
    s1: { type: 'usage_spike', timestamp: daysAgo(3), actorId: 'u1', details: { rpm: 900 } },
    b1: { type: 'ip_blocked', timestamp: daysAgo(2), ip: '10.0.0.9' },
  });
  const metrics = computeSecurityMetrics({
    securityEvents: events,
    blockedIps: collection<BlockedIp>({
      forever: { ip: '10.0.0.9', reason: 'brute force', blockedAt: daysAgo(2) },
      later: { ip: '10.0.0.8', reason: 'scan', blockedAt: daysAgo(2), expiresAt: daysAgo(-1) },
      past: { ip: '10.0.0.7', reason: 'scan', blockedAt: daysAgo(20), expiresAt: daysAgo(10) },
    }),
    apiKeys: collection<ApiKey>({
      k: { provider: 'openai', status: 'valid', createdAt: daysAgo(200) },
    }),
    now: NOW,
  });

  it('counts failed sign-ins of the last 30 days, per UTC day with zero days shown', () => {
    expect(metrics.failedAuthAttempts.total).toBe(3);
    expect(metrics.failedAuthAttempts.byDay).toHaveLength(31);
    expect(metrics.failedAuthAttempts.byDay.find((d) => d.date === '2026-11-22')?.count).toBe(2);
    expect(metrics.failedAuthAttempts.byDay.reduce((sum, d) => sum + d.count, 0)).toBe(3);
    expect(metrics.windowStart).toBe(daysAgo(30).toISOString());
  });

  it('separates active from expired IP blocks', () => {
    expect(metrics.blockedIps).toMatchObject({ active: 2, expired: 1 });
    expect(metrics.blockedIps.entries.find((e) => e.id === 'past')?.active).toBe(false);
  });

  it('lists usage-spike alerts and API key health', () => {
    expect(metrics.usageSpikes.total).toBe(1);
    expect(metrics.usageSpikes.alerts[0]).toMatchObject({
      id: 's1',
      actorId: 'u1',
      details: { rpm: 900 },
    });
    expect(metrics.apiKeyHealth).toMatchObject({ total: 1, stale: 1 });
    expect(SECTION_DATA_SCHEMAS.securityMetrics.safeParse(metrics).success).toBe(true);
  });
});

describe('catalog sections', () => {
  it('flags vendors whose next review date has passed (a review due today is not overdue)', () => {
    const [first] = CATALOGS.vendors;
    const register = computeVendorRegister(
      [
        { ...first, id: 'past', nextReviewDate: '2026-11-22' },
        { ...first, id: 'today', nextReviewDate: '2026-11-23' },
      ],
      NOW,
    );
    expect(register.vendors.map((v) => [v.id, v.reviewOverdue])).toEqual([
      ['past', true],
      ['today', false],
    ]);
    expect(register.overdueReviews).toBe(1);
  });

  it('serves the published catalogs in full', () => {
    const inventory = computeEncryptionInventory(CATALOGS.encryption);
    expect(inventory.total).toBe(CATALOGS.encryption.length);
    expect(inventory.total).toBeGreaterThanOrEqual(10);
    expect(inventory.atRest + inventory.inTransit).toBeGreaterThanOrEqual(inventory.total);
    const vendors = computeVendorRegister(CATALOGS.vendors, NOW);
    expect(vendors.total).toBeGreaterThanOrEqual(11);
    expect(SECTION_DATA_SCHEMAS.vendorRegister.safeParse(vendors).success).toBe(true);
  });
});

describe('settings sections', () => {
  it('report the documented defaults, marked as such, when the account has no settings', () => {
    expect(computeComplianceConfig(undefined)).toEqual({
      source: 'defaults',
      frameworks: COMPLIANCE_DEFAULTS.frameworks,
      piiDetection: COMPLIANCE_DEFAULTS.piiDetection,
    });
    expect(computeDataResidency(undefined)).toEqual({ source: 'defaults', categories: {} });
    expect(computeRetentionPolicy(undefined, CATALOGS.logRetention)).toEqual({
      source: 'defaults',
      auditLogDays: 365,
      otherPeriodsDays: {},
      logRetentionClasses: CATALOGS.logRetention,
    });
  });

  it("report the account's own settings from its document", () => {
    const settings = {
      frameworks: ['soc2', 'gdpr'],
      piiDetection: { enabled: true, mode: 'redact', entities: ['email'] },
      dataResidency: { prompts: 'local_only' as const },
      retention: { auditLogDays: 730, exports: 30 },
    };
    expect(computeComplianceConfig(settings)).toEqual({
      source: 'document',
      frameworks: ['soc2', 'gdpr'],
      piiDetection: { enabled: true, mode: 'redact', entities: ['email'] },
    });
    expect(computeDataResidency(settings).categories).toEqual({ prompts: 'local_only' });
    expect(computeRetentionPolicy(settings, CATALOGS.logRetention)).toEqual({
      source: 'document',
      auditLogDays: 730,
      otherPeriodsDays: { exports: 30 },
      logRetentionClasses: CATALOGS.logRetention,
    });
  });
});
