import { Timestamp } from 'firebase-admin/firestore';
import type { z } from 'zod';
import { ValidationError } from '../../../functions/domain/errors';
import { documentId, parseDocument, timestamp } from '../../../functions/schema/common';
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

const at = (iso: string) => Timestamp.fromDate(new Date(iso));
const T = at('2026-11-20T10:00:00Z');

/** One valid document of every kind in CONTRACT §2, with Firestore Timestamps as stored. */
const VALID: Record<string, { schema: z.ZodType; path: string; data: Record<string, unknown> }> = {
  account: {
    schema: accountSchema,
    path: 'accounts/acme',
    data: { name: 'Acme Robotics', plan: 'enterprise', createdAt: T },
  },
  member: {
    schema: memberSchema,
    path: 'accounts/acme/members/u1',
    data: {
      email: 'maria.chen@acmerobotics.example',
      displayName: 'Maria Chen',
      role: 'owner',
      departments: ['finance'],
      lastActiveAt: T,
      disabled: false,
    },
  },
  department: {
    schema: departmentSchema,
    path: 'accounts/acme/departments/finance',
    data: { name: 'Finance' },
  },
  resource: {
    schema: resourceSchema,
    path: 'accounts/acme/resources/r1',
    data: {
      type: 'workflow',
      name: 'Weekly KPI digest',
      departmentIds: ['finance'],
      memberIds: ['u1'],
    },
  },
  apiKey: {
    schema: apiKeySchema,
    path: 'accounts/acme/apiKeys/k1',
    data: { provider: 'anthropic', status: 'valid', createdAt: T, lastUsedAt: T },
  },
  auditLog: {
    schema: auditLogSchema,
    path: 'accounts/acme/auditLogs/e1',
    data: {
      timestamp: T,
      actorId: 'u1',
      actorEmail: 'maria.chen@acmerobotics.example',
      actorIp: '203.0.113.10',
      action: 'role.assign',
      resourceType: 'member',
      resourceId: 'u2',
      resourceName: 'ben.carter@acmerobotics.example',
      result: 'success',
      details: {
        description: 'Changed the role of ben.carter',
        before: { role: 'member' },
        after: { role: 'dept_lead' },
        changes: [{ field: 'role', oldValue: 'member', newValue: 'dept_lead' }],
      },
      metadata: { userAgent: 'Mozilla/5.0' },
    },
  },
  securityEvent: {
    schema: securityEventSchema,
    path: 'accounts/acme/securityEvents/s1',
    data: {
      type: 'auth_failure',
      timestamp: T,
      ip: '192.0.2.44',
      details: { reason: 'INVALID_PASSWORD' },
    },
  },
  blockedIp: {
    schema: blockedIpSchema,
    path: 'accounts/acme/blockedIps/b1',
    data: {
      ip: '192.0.2.44',
      reason: 'credential stuffing',
      blockedAt: T,
      expiresAt: at('2026-12-20T00:00:00Z'),
    },
  },
  complianceSettings: {
    schema: complianceSettingsSchema,
    path: 'accounts/acme/settings/compliance',
    data: {
      frameworks: ['soc2', 'gdpr'],
      piiDetection: { enabled: true, mode: 'redact', entities: ['email'] },
      dataResidency: { prompts: 'cloud_redacted', files: 'local_only' },
      retention: { auditLogDays: 730, executionLogDays: 365 },
    },
  },
};

/** Parses and returns the issues' paths (empty when the document is valid). */
function issuePaths(kind: keyof typeof VALID, data: unknown): string[] {
  const { schema, path } = VALID[kind];
  const result = parseDocument(schema, path, data);
  return result.ok ? [] : result.error.issues.map((i) => i.path);
}

function problem(kind: keyof typeof VALID, data: unknown): ValidationError {
  const { schema, path } = VALID[kind];
  const result = parseDocument(schema, path, data);
  if (result.ok) throw new Error(`${kind} unexpectedly valid: ${JSON.stringify(data)}`);
  return result.error;
}

describe('documents of CONTRACT §2', () => {
  it.each(Object.keys(VALID))('a valid %s document parses', (kind) => {
    const { schema, path, data } = VALID[kind];
    const result = parseDocument(schema, path, data);
    expect(result).toEqual(expect.objectContaining({ ok: true, id: path.split('/').pop() }));
  });

  it('turns stored Timestamps into Dates so the domain never sees SDK types', () => {
    const result = parseDocument(accountSchema, 'accounts/acme', VALID.account.data);
    expect(result.ok && result.value.createdAt).toEqual(new Date('2026-11-20T10:00:00Z'));
  });

  it.each(Object.keys(VALID))(
    'a %s document that is not an object is reported, not thrown',
    (kind) => {
      for (const data of [undefined, null, 'text', 42, []]) {
        expect(problem(kind, data)).toBeInstanceOf(ValidationError);
      }
    },
  );

  it('fills optional lists with their defaults', () => {
    const member = memberSchema.parse({ email: 'a@b.example', displayName: 'A', role: 'member' });
    expect(member.departments).toEqual([]);
    const resource = resourceSchema.parse({ type: 'recipe', name: 'R' });
    expect(resource).toEqual({ type: 'recipe', name: 'R', departmentIds: [], memberIds: [] });
  });
});

describe('malformed documents are reported with the path of what is wrong', () => {
  const without = (kind: keyof typeof VALID, field: string) =>
    Object.fromEntries(Object.entries(VALID[kind].data).filter(([name]) => name !== field));
  const withField = (kind: keyof typeof VALID, field: string, value: unknown) => ({
    ...VALID[kind].data,
    [field]: value,
  });

  it.each([
    ['account', 'plan'],
    ['account', 'createdAt'],
    ['member', 'email'],
    ['member', 'role'],
    ['department', 'name'],
    ['resource', 'type'],
    ['apiKey', 'status'],
    ['apiKey', 'createdAt'],
    ['auditLog', 'timestamp'],
    ['auditLog', 'actorId'],
    ['auditLog', 'action'],
    ['auditLog', 'result'],
    ['securityEvent', 'type'],
    ['blockedIp', 'blockedAt'],
  ] as const)('a %s without %s', (kind, field) => {
    expect(issuePaths(kind, without(kind, field))).toEqual([field]);
  });

  it.each([
    ['account', 'plan', 'platinum'],
    ['member', 'role', 'superuser'],
    ['member', 'role', 'Owner'],
    ['resource', 'type', 'agent'],
    ['apiKey', 'status', 'expired'],
    ['auditLog', 'result', 'ok'],
    ['securityEvent', 'type', 'malware'],
  ] as const)('a %s with %s %j', (kind, field, value) => {
    expect(issuePaths(kind, withField(kind, field, value))).toEqual([field]);
  });

  it('a residency mode outside local_only / cloud_sync / cloud_redacted', () => {
    const data = withField('complianceSettings', 'dataResidency', { prompts: 'cloud' });
    expect(issuePaths('complianceSettings', data)).toEqual(['dataResidency.prompts']);
  });

  it('a retention period that is not a positive whole number of days', () => {
    for (const days of [0, -1, 1.5, '730']) {
      const data = withField('complianceSettings', 'retention', {
        auditLogDays: 730,
        backupDays: days,
      });
      expect(issuePaths('complianceSettings', data)).toEqual(['retention.backupDays']);
    }
  });

  it('a malformed change inside audit details, with the nested path', () => {
    const data = withField('auditLog', 'details', { changes: [{ oldValue: 'a', newValue: 'b' }] });
    expect(issuePaths('auditLog', data)).toEqual(['details.changes.0.field']);
  });

  it('a member department id that could escape its collection', () => {
    const data = withField('member', 'departments', ['finance', '../admins']);
    expect(issuePaths('member', data)).toEqual(['departments.1']);
  });

  it('names the document path and every issue in the error message', () => {
    const error = problem('account', { name: '', plan: 'gold' });
    expect(error.path).toBe('accounts/acme');
    expect(error.message).toMatch(/^accounts\/acme: /);
    expect(error.issues.map((i) => i.path).sort()).toEqual(['createdAt', 'name', 'plan']);
  });
});

describe('timestamps', () => {
  it('accept a Firestore Timestamp and a Date', () => {
    const when = new Date('2026-11-01T00:00:00Z');
    expect(timestamp.parse(Timestamp.fromDate(when))).toEqual(when);
    expect(timestamp.parse(when)).toEqual(when);
  });

  it.each([
    ['an ISO string', '2026-11-01T00:00:00Z'],
    ['epoch milliseconds', 1_700_000_000_000],
    ['a plain object', { seconds: 1_700_000_000, nanoseconds: 0 }],
    ['null', null],
  ])('refuse %s', (_what, value) => {
    expect(timestamp.safeParse(value).success).toBe(false);
  });

  it('refuse an invalid Date, and a Timestamp-like object whose date is invalid', () => {
    expect(timestamp.safeParse(new Date('nope')).success).toBe(false);
    const invalid = timestamp.safeParse({ toDate: () => new Date(NaN) });
    expect(invalid.error?.issues[0].message).toBe('invalid date');
  });

  it('report a string timestamp in an audit event at its field', () => {
    const data = { ...VALID.auditLog.data, timestamp: '2026-11-20T10:00:00Z' };
    expect(issuePaths('auditLog', data)).toEqual(['timestamp']);
  });
});

describe('API key documents', () => {
  it.each(['key', 'apiKey', 'secret', 'value'])('refuse key material in a %s field', (field) => {
    const error = problem('apiKey', { ...VALID.apiKey.data, [field]: 'sk-ant-api03-XXXX' });
    expect(error.message).toContain('API key documents must not contain key material');
  });

  it.each([
    ['a nested name', { meta: { key: 'x' } }, 'meta.key'],
    ['a kebab-case name', { 'API-KEY': 'x' }, 'API-KEY'],
    ['a snake_case name', { api_key: 'x' }, 'api_key'],
    ['a token', { auth: { bearerToken: 'x' } }, 'auth.bearerToken'],
    ['a password', { PASSWORD: 'x' }, 'PASSWORD'],
    ['a credential', { credentials: {} }, 'credentials'],
    ['a private key name', { Private_Key_Id: 'x' }, 'Private_Key_Id'],
    ['a client secret', { oauth: { client_secret: 'x' } }, 'oauth.client_secret'],
    ['an OpenAI-style value', { label: 'sk-proj-abc123' }, 'label'],
    ['a Google API key value', { labels: ['ok', 'AIzaSyA-1234567890'] }, 'labels.1'],
    ['a PEM private key', { note: 'x\n-----BEGIN RSA PRIVATE KEY-----\nMII' }, 'note'],
    ['a provider that is a key', { provider: 'sk-ant-api03-XXXX' }, 'provider'],
  ])('refuse key material in %s, naming where and not what', (_, extra, at) => {
    const error = problem('apiKey', { ...VALID.apiKey.data, ...extra });
    expect(error.message).toContain(
      `API key documents must not contain key material (found at ${at})`,
    );
    expect(error.message).not.toMatch(/sk-|AIza|BEGIN RSA/);
  });

  it('let descriptive fields that only mention a provider pass', () => {
    const doc = { ...VALID.apiKey.data, provider: 'openai', labels: ['prod', 'billing'] };
    expect(issuePaths('apiKey', doc)).toEqual([]);
  });

  it('refuse key material even when it is empty or null', () => {
    for (const value of ['', null]) {
      expect(issuePaths('apiKey', { ...VALID.apiKey.data, key: value })).not.toEqual([]);
    }
  });

  it('keep only status and metadata when parsed', () => {
    const result = parseDocument(apiKeySchema, 'accounts/a/apiKeys/k', VALID.apiKey.data);
    expect(result.ok && Object.keys(result.value).sort()).toEqual([
      'createdAt',
      'lastUsedAt',
      'provider',
      'status',
    ]);
  });
});

describe('audit action names', () => {
  it.each([
    'auth.login',
    'auth.login_failed',
    'role.assign',
    'recipe.execute',
    'apikey.revoke',
    'a.b.c',
    'oauth2.token_refresh',
  ])('accept %s', (action) => {
    expect(issuePaths('auditLog', { ...VALID.auditLog.data, action })).toEqual([]);
  });

  it.each([
    'login',
    'Role.Assign',
    'role..assign',
    '.role',
    'role.',
    'role assign',
    'role.assign!',
    '1role.assign',
    'role.2fa',
    '',
  ])('refuse %j', (action) => {
    expect(issuePaths('auditLog', { ...VALID.auditLog.data, action })).toEqual(['action']);
  });
});

describe('document ids', () => {
  it.each(['acme-robotics', 'u_1', 'maria.chen@acme', 'A1'])('accept %s', (id) => {
    expect(documentId.safeParse(id).success).toBe(true);
  });

  it.each(['', '.', '..', '__x__', 'a/b', '../x', 'a b', 'x'.repeat(129)])('refuse %j', (id) => {
    expect(documentId.safeParse(id).success).toBe(false);
  });
});
