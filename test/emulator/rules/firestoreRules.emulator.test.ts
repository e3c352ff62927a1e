import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { initializeTestEnvironment, RulesTestEnvironment } from '@firebase/rules-unit-testing';
import { ROLE_LEVELS, ROLES, Role } from '../../../functions/domain/roles';
import { ACCESS_REVIEW_ENTRIES, COLLECTIONS } from '../../../functions/schema/paths';
import { complianceSettingsSchema } from '../../../functions/schema/documents';
import {
  coverageGaps,
  expectAllowed,
  expectDenied,
  fetchRuleCoverage,
  firestoreEmulatorAddress,
} from '../../support/rulesTesting';

/**
 * firestore.rules, cell by cell: every principal × every collection × get, list, create, update,
 * delete, generated from one access table, then the escalation attempts a table cannot express.
 *
 * Own project id, so loading these rules and clearing data never touches the other emulator tests
 * (project demo-soc2) that share the stack.
 */
const PROJECT_ID = 'demo-soc2-rules';
const HOME = 'acct-home';
const OTHER = 'acct-other';

type Firestore = ReturnType<
  ReturnType<RulesTestEnvironment['unauthenticatedContext']>['firestore']
>;

interface Principal {
  name: string;
  /** Firebase Auth uid; absent when signed out. */
  uid?: string;
  membership?: { accountId: string; role: Role; disabled?: boolean };
}

const PRINCIPALS: Principal[] = [
  ...ROLES.map((role) => ({
    name: role,
    uid: `${role}-uid`,
    membership: { accountId: HOME, role },
  })),
  {
    name: 'disabled admin',
    uid: 'disabled-admin-uid',
    membership: { accountId: HOME, role: 'admin', disabled: true },
  },
  {
    name: 'owner of another account',
    uid: 'outsider-uid',
    membership: { accountId: OTHER, role: 'owner' },
  },
  { name: 'unauthenticated' },
];

/** The level the rules should see for this principal in HOME: 0 for every kind of non-member. */
function levelInHome(principal: Principal): number {
  const m = principal.membership;
  return m && m.accountId === HOME && !m.disabled ? ROLE_LEVELS[m.role] : 0;
}

const OPERATIONS = ['get', 'list', 'create', 'update', 'delete'] as const;
type Operation = (typeof OPERATIONS)[number];

/** Minimum level per operation; NEVER means no client, whatever its role. */
const NEVER = Number.POSITIVE_INFINITY;
const ANY_MEMBER = 1;
const READ_ONLY_AT_15 = { get: 15, list: 15, create: NEVER, update: NEVER, delete: NEVER };
const DENIED = { get: NEVER, list: NEVER, create: NEVER, update: NEVER, delete: NEVER };

const at = (iso: string) => new Date(iso);
const home = (path: string) => `accounts/${HOME}/${path}`;

interface Row {
  /** What the row is about, in test names. */
  name: string;
  /** Top-level name from COLLECTIONS this row exercises (or a name rules must not know). */
  collection: string;
  minLevel: Record<Operation, number>;
  /** The document get/update/delete act on; seeded by the server side before the cell runs. */
  existing: (cell: string) => string;
  /** Where create writes; absent before the cell runs. */
  created: (cell: string) => string;
  list: string;
  data: Record<string, unknown>;
  change: Record<string, unknown>;
}

/** A row about documents under accounts/HOME/`parent`: the collection itself, or a nested path. */
function subcollectionRow(
  name: string,
  collection: string,
  minLevel: Record<Operation, number>,
  data: Record<string, unknown>,
  change: Record<string, unknown>,
  parent = collection,
): Row {
  return {
    name,
    collection,
    minLevel,
    existing: (cell) => home(`${parent}/existing-${cell}`),
    created: (cell) => home(`${parent}/created-${cell}`),
    list: home(parent),
    data,
    change,
  };
}

const auditEvent = {
  timestamp: at('2026-01-05T10:00:00Z'),
  actorId: 'owner-uid',
  action: 'role.assign',
  resourceType: 'member',
  result: 'success',
};

const ACCESS_TABLE: Row[] = [
  {
    name: 'the account document',
    collection: COLLECTIONS.accounts,
    minLevel: { get: ANY_MEMBER, list: NEVER, create: NEVER, update: NEVER, delete: NEVER },
    existing: () => `accounts/${HOME}`,
    created: (cell) => `accounts/created-${cell}`,
    list: 'accounts',
    data: { name: 'Home Inc', plan: 'enterprise', createdAt: at('2025-01-01T00:00:00Z') },
    change: { plan: 'free' },
  },
  subcollectionRow(
    "another member's document",
    COLLECTIONS.members,
    { get: 60, list: 60, create: 80, update: 80, delete: 80 },
    { email: 'target@example.com', displayName: 'Target', role: 'member', departments: [] },
    { displayName: 'Renamed' },
  ),
  subcollectionRow(
    'departments',
    COLLECTIONS.departments,
    { get: ANY_MEMBER, list: ANY_MEMBER, create: 60, update: 60, delete: 60 },
    { name: 'Engineering' },
    { name: 'Platform' },
  ),
  subcollectionRow(
    'resources',
    COLLECTIONS.resources,
    { get: ANY_MEMBER, list: ANY_MEMBER, create: 60, update: 60, delete: 60 },
    { type: 'recipe', name: 'Triage', departmentIds: [], memberIds: [] },
    { name: 'Triage v2' },
  ),
  subcollectionRow(
    'API keys',
    COLLECTIONS.apiKeys,
    { get: 80, list: 80, create: 80, update: 80, delete: 80 },
    { provider: 'anthropic', status: 'valid', createdAt: at('2025-06-01T00:00:00Z') },
    { status: 'revoked' },
  ),
  subcollectionRow(
    'blocked IPs',
    COLLECTIONS.blockedIps,
    { get: 15, list: 15, create: 80, update: 80, delete: 80 },
    { ip: '203.0.113.9', reason: 'credential stuffing', blockedAt: at('2026-01-02T00:00:00Z') },
    { reason: 'manual block' },
  ),
  {
    name: 'settings/compliance',
    collection: COLLECTIONS.settings,
    // A list over `settings` could expose other settings documents, so it stays denied.
    minLevel: { get: 15, list: NEVER, create: 80, update: 80, delete: 80 },
    existing: () => home('settings/compliance'),
    created: () => home('settings/compliance'),
    list: home('settings'),
    data: { frameworks: ['soc2'], retention: { auditLogDays: 365 } },
    change: { frameworks: ['soc2', 'gdpr'] },
  },
  subcollectionRow(
    'another settings document',
    COLLECTIONS.settings,
    DENIED,
    { plan: 'enterprise' },
    { plan: 'free' },
  ),
  subcollectionRow('audit logs', COLLECTIONS.auditLogs, READ_ONLY_AT_15, auditEvent, {
    result: 'denied',
  }),
  subcollectionRow(
    'security events',
    COLLECTIONS.securityEvents,
    READ_ONLY_AT_15,
    { type: 'auth_failure', timestamp: at('2026-01-03T00:00:00Z'), ip: '198.51.100.7' },
    { type: 'usage_spike' },
  ),
  subcollectionRow(
    'audit rollups',
    COLLECTIONS.auditRollups,
    READ_ONLY_AT_15,
    { day: '2026-01-05', total: 3 },
    { total: 4 },
  ),
  subcollectionRow(
    'compacted audit days',
    COLLECTIONS.auditDays,
    READ_ONLY_AT_15,
    { day: '2026-01-05', total: 3 },
    { total: 4 },
  ),
  subcollectionRow(
    'audit window',
    COLLECTIONS.auditWindow,
    READ_ONLY_AT_15,
    { days: ['2026-01-05'], total: 3 },
    { total: 4 },
  ),
  subcollectionRow(
    'resource digest',
    COLLECTIONS.resourceDigest,
    READ_ONLY_AT_15,
    { resources: {}, overflow: false },
    { overflow: true },
  ),
  subcollectionRow(
    'audit rollup dedupe markers (nested)',
    COLLECTIONS.auditRollups,
    READ_ONLY_AT_15,
    { at: at('2026-01-05T10:00:00Z') },
    { at: at('2026-01-05T11:00:00Z') },
    `${COLLECTIONS.auditRollups}/2026-01-05_03/deliveries`,
  ),
  subcollectionRow(
    'access history',
    COLLECTIONS.accessHistory,
    READ_ONLY_AT_15,
    { memberId: 'member-uid', role: 'member', at: at('2026-01-04T00:00:00Z') },
    { role: 'viewer' },
  ),
  subcollectionRow(
    'access change digest',
    COLLECTIONS.accessRecent,
    READ_ONLY_AT_15,
    { items: [], droppedNewest: null },
    { droppedNewest: { at: '000000000000.000000000', id: 'x' } },
  ),
  subcollectionRow(
    'evidence archive index',
    COLLECTIONS.evidenceArchives,
    READ_ONLY_AT_15,
    { periodStart: at('2025-10-01T00:00:00Z'), eventCount: 12 },
    { eventCount: 13 },
  ),
  subcollectionRow(
    'control results',
    COLLECTIONS.controlResults,
    READ_ONLY_AT_15,
    { controlId: 'CC6.1', status: 'pass' },
    { status: 'fail' },
  ),
  subcollectionRow(
    'control result days (nested)',
    COLLECTIONS.controlResults,
    READ_ONLY_AT_15,
    { first: 'pass', last: 'pass' },
    { last: 'fail' },
    `${COLLECTIONS.controlResults}/CC6.1/days`,
  ),
  subcollectionRow(
    'control evaluation state',
    COLLECTIONS.controlEvaluation,
    READ_ONLY_AT_15,
    { requestedAt: at('2026-11-01T00:00:00Z'), runningSince: null },
    { runningSince: at('2026-11-01T00:00:05Z') },
  ),
  subcollectionRow(
    'findings',
    COLLECTIONS.findings,
    READ_ONLY_AT_15,
    { title: 'Stale API key', status: 'open' },
    { status: 'resolved' },
  ),
  subcollectionRow(
    'incidents',
    COLLECTIONS.incidents,
    READ_ONLY_AT_15,
    { title: 'Credential stuffing', severity: 'P2' },
    { severity: 'P1' },
  ),
  subcollectionRow(
    'report jobs',
    COLLECTIONS.reportJobs,
    READ_ONLY_AT_15,
    { reportType: 'incident', state: 'queued' },
    { state: 'ready' },
  ),
  subcollectionRow(
    'evidence items',
    COLLECTIONS.evidenceItems,
    READ_ONLY_AT_15,
    { title: 'Penetration test 2026', state: 'stored' },
    { state: 'awaiting_upload' },
  ),
  subcollectionRow(
    'access reviews',
    COLLECTIONS.accessReviews,
    READ_ONLY_AT_15,
    { title: 'Q4 access review', state: 'open', undecided: 3 },
    { state: 'signed_off' },
  ),
  subcollectionRow(
    'access review entries (nested)',
    COLLECTIONS.accessReviews,
    READ_ONLY_AT_15,
    { subjectId: 'member-uid', decision: null, history: [] },
    { decision: { decision: 'keep' } },
    `${COLLECTIONS.accessReviews}/review-1/${ACCESS_REVIEW_ENTRIES}`,
  ),
  subcollectionRow(
    'a subcollection the rules do not name',
    'vendorReviews',
    DENIED,
    { vendor: 'Acme Cloud' },
    { vendor: 'Acme Cloud EU' },
  ),
];

/**
 * A first rules load on a cold emulator plus seeding ~700 documents, or fetching the coverage
 * report (megabytes), takes several seconds on a busy machine.
 */
const SETUP_TIMEOUT_MS = 60_000;

let testEnv: RulesTestEnvironment;
const clients = new Map<string, Firestore>();

function clientOf(principal: Principal): Firestore {
  const client = clients.get(principal.name);
  if (!client) throw new Error(`no client for ${principal.name}`);
  return client;
}

function principalNamed(name: string): Principal {
  const principal = PRINCIPALS.find((p) => p.name === name);
  if (!principal) throw new Error(`no principal ${name}`);
  return principal;
}

/** Writes with the rules switched off: the seeding a server would do. */
async function asServer(work: (db: Firestore) => Promise<unknown>): Promise<void> {
  await testEnv.withSecurityRulesDisabled(async (context) => {
    await work(context.firestore());
  });
}

function memberDoc(role: Role, extra: Record<string, unknown> = {}) {
  return { email: `${role}@example.com`, displayName: role, role, departments: [], ...extra };
}

/** The principals' memberships, plus the document every other cell reads, updates or deletes. */
async function seedWorld(): Promise<void> {
  const writes: [string, Record<string, unknown>][] = [
    [`accounts/${HOME}`, ACCESS_TABLE[0].data],
    [`accounts/${OTHER}`, { ...ACCESS_TABLE[0].data, name: 'Other Inc' }],
    [`accounts/${OTHER}/members/other-member-uid`, memberDoc('member')],
  ];
  for (const { uid, membership: m } of PRINCIPALS) {
    if (uid && m) {
      const extra = m.disabled ? { disabled: true } : {};
      writes.push([`accounts/${m.accountId}/members/${uid}`, memberDoc(m.role, extra)]);
    }
  }
  for (const { row, operation, cell } of CELLS) {
    if (operation !== 'list' && operation !== 'create' && !sharesOneDocument(row)) {
      writes.push([row.existing(cell), row.data]);
    }
  }
  const BATCH_LIMIT = 500;
  await asServer(async (db) => {
    for (let start = 0; start < writes.length; start += BATCH_LIMIT) {
      const batch = db.batch();
      for (const [path, data] of writes.slice(start, start + BATCH_LIMIT)) {
        batch.set(db.doc(path), data);
      }
      await batch.commit();
    }
  });
}

beforeAll(async () => {
  testEnv = await initializeTestEnvironment({
    projectId: PROJECT_ID,
    firestore: { rules: readFileSync('firestore.rules', 'utf8'), ...firestoreEmulatorAddress() },
  });
  await testEnv.clearFirestore();
  await seedWorld();
  for (const principal of PRINCIPALS) {
    const context = principal.uid
      ? testEnv.authenticatedContext(principal.uid)
      : testEnv.unauthenticatedContext();
    clients.set(principal.name, context.firestore());
  }
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await testEnv?.cleanup();
});

async function perform(db: Firestore, row: Row, operation: Operation, cell: string) {
  switch (operation) {
    case 'get':
      return db.doc(row.existing(cell)).get();
    case 'list':
      return db.collection(row.list).get();
    case 'create':
      return db.doc(row.created(cell)).set(row.data);
    case 'update':
      return db.doc(row.existing(cell)).update(row.change);
    case 'delete':
      return db.doc(row.existing(cell)).delete();
  }
}

/**
 * Rows about one fixed document (the account, settings/compliance) are prepared cell by cell,
 * because an allowed delete or update changes what the next cell finds.
 */
function sharesOneDocument(row: Row): boolean {
  return row.existing('a') === row.existing('b') || row.created('a') === row.created('b');
}

async function prepareSharedDocument(row: Row, operation: Operation, cell: string) {
  if (operation === 'list') return;
  await asServer((db) =>
    operation === 'create'
      ? db.doc(row.created(cell)).delete()
      : db.doc(row.existing(cell)).set(row.data),
  );
}

const CELLS = ACCESS_TABLE.flatMap((row, rowIndex) =>
  PRINCIPALS.flatMap((principal, principalIndex) =>
    OPERATIONS.map((operation) => {
      const allowed = levelInHome(principal) >= row.minLevel[operation];
      return {
        title: `${principal.name} ${allowed ? 'may' : 'may not'} ${operation} ${row.name}`,
        row,
        principal,
        operation,
        allowed,
        cell: `r${rowIndex}p${principalIndex}-${operation}`,
      };
    }),
  ),
);

describe('access matrix', () => {
  it('names every collection the product knows', () => {
    const covered = new Set(ACCESS_TABLE.map((row) => row.collection));
    for (const collection of Object.values(COLLECTIONS)) expect(covered).toContain(collection);
  });

  it.each(CELLS)('$title', async ({ row, principal, operation, allowed, cell }) => {
    if (sharesOneDocument(row)) await prepareSharedDocument(row, operation, cell);
    const request = perform(clientOf(principal), row, operation, cell);
    await (allowed ? expectAllowed(request) : expectDenied(request));
  });
});

let nextUid = 0;
/** A fresh member of HOME (seeded as the server would) and a client signed in as them. */
async function freshMember(
  role: Role,
  extra: Record<string, unknown> = {},
): Promise<{ uid: string; db: Firestore }> {
  const uid = `fresh-${role}-${nextUid++}`;
  await asServer((db) => db.doc(home(`members/${uid}`)).set(memberDoc(role, extra)));
  return { uid, db: testEnv.authenticatedContext(uid).firestore() };
}

describe('own member document', () => {
  it.each(PRINCIPALS.filter((p) => p.uid))(
    '$name reads their own member document only while an enabled member',
    async (principal) => {
      const request = clientOf(principal)
        .doc(home(`members/${principal.uid}`))
        .get();
      await (levelInHome(principal) > 0 ? expectAllowed(request) : expectDenied(request));
    },
  );
});

describe('member escalation', () => {
  const owner = () => clientOf(principalNamed('owner'));
  const admin = () => clientOf(principalNamed('admin'));

  it.each(['member', 'dept_lead', 'admin'] as const)(
    'a %s cannot promote themselves to owner',
    async (role) => {
      const self = await freshMember(role);
      await expectDenied(self.db.doc(home(`members/${self.uid}`)).update({ role: 'owner' }));
    },
  );

  it('an admin cannot change their own role, even downwards, nor disable themselves', async () => {
    const self = await freshMember('admin');
    const ownDoc = self.db.doc(home(`members/${self.uid}`));
    await expectDenied(ownDoc.update({ role: 'dept_lead' }));
    await expectDenied(ownDoc.update({ disabled: true }));
  });

  it('an admin may rename themselves', async () => {
    const self = await freshMember('admin');
    await expectAllowed(
      self.db.doc(home(`members/${self.uid}`)).update({ displayName: 'New name' }),
    );
  });

  it('an admin cannot grant owner, by update or by create', async () => {
    const target = await freshMember('member');
    await expectDenied(
      admin()
        .doc(home(`members/${target.uid}`))
        .update({ role: 'owner' }),
    );
    await expectDenied(admin().doc(home('members/new-owner-by-admin')).set(memberDoc('owner')));
  });

  it('an admin may grant their own level', async () => {
    const target = await freshMember('member');
    await expectAllowed(
      admin()
        .doc(home(`members/${target.uid}`))
        .update({ role: 'admin' }),
    );
  });

  it('an admin cannot demote, rename or delete an owner', async () => {
    const target = await freshMember('owner');
    const ownerDoc = admin().doc(home(`members/${target.uid}`));
    await expectDenied(ownerDoc.update({ role: 'member' }));
    await expectDenied(ownerDoc.update({ displayName: 'Renamed' }));
    await expectDenied(ownerDoc.delete());
  });

  it('an owner cannot delete or demote themselves (the last owner stays)', async () => {
    const self = await freshMember('owner');
    const ownDoc = self.db.doc(home(`members/${self.uid}`));
    await expectDenied(ownDoc.delete());
    await expectDenied(ownDoc.update({ role: 'admin' }));
  });

  it('an owner may demote and delete another owner', async () => {
    const demoted = await freshMember('owner');
    const removed = await freshMember('owner');
    await expectAllowed(
      owner()
        .doc(home(`members/${demoted.uid}`))
        .update({ role: 'admin' }),
    );
    await expectAllowed(
      owner()
        .doc(home(`members/${removed.uid}`))
        .delete(),
    );
  });

  it('an admin may leave the account by deleting their own member document', async () => {
    const self = await freshMember('admin');
    await expectAllowed(self.db.doc(home(`members/${self.uid}`)).delete());
  });

  it("an admin cannot create, edit or delete another account's members", async () => {
    const otherMembers = `accounts/${OTHER}/members`;
    await expectDenied(admin().doc(`${otherMembers}/planted`).set(memberDoc('member')));
    await expectDenied(admin().doc(`${otherMembers}/other-member-uid`).update({ role: 'admin' }));
    await expectDenied(admin().doc(`${otherMembers}/other-member-uid`).delete());
  });

  it.each([
    ['an unknown role', { role: 'superuser' }],
    ['a numeric role', { role: 100 }],
    ['no role at all', { role: null }],
  ])('a member document with %s cannot be written', async (_, fields) => {
    const target = await freshMember('member');
    await expectDenied(
      owner()
        .doc(home(`members/${target.uid}`))
        .update(fields),
    );
    await expectDenied(
      owner()
        .doc(home(`members/invalid-${nextUid++}`))
        .set({ ...memberDoc('member'), ...fields }),
    );
  });

  it('a member document with an unknown role grants nothing, and an admin can repair it', async () => {
    const odd = await freshMember('member', { role: 'superuser' });
    await expectDenied(odd.db.collection(home('departments')).get());
    await expectAllowed(
      admin()
        .doc(home(`members/${odd.uid}`))
        .update({ role: 'viewer' }),
    );
    await expectAllowed(odd.db.collection(home('departments')).get());
  });
});

describe('role changes take effect at once', () => {
  it('a demoted admin loses API key access on the next request', async () => {
    const demoted = await freshMember('admin');
    const apiKeys = demoted.db.collection(home('apiKeys'));
    await expectAllowed(apiKeys.get());
    await asServer((db) => db.doc(home(`members/${demoted.uid}`)).update({ role: 'member' }));
    await expectDenied(apiKeys.get());
  });

  it('a disabled auditor loses audit log access on the next request', async () => {
    const disabled = await freshMember('auditor');
    const auditLogs = disabled.db.collection(home('auditLogs'));
    await expectAllowed(auditLogs.get());
    await asServer((db) => db.doc(home(`members/${disabled.uid}`)).update({ disabled: true }));
    await expectDenied(auditLogs.get());
  });
});

describe('API key documents never carry key material', () => {
  const owner = () => clientOf(principalNamed('owner'));

  it.each(['key', 'apiKey', 'secret', 'value'])(
    'an owner cannot store a "%s" field, by create or update',
    async (field) => {
      const keys = owner().collection(home('apiKeys'));
      const valid = ACCESS_TABLE.find((row) => row.collection === COLLECTIONS.apiKeys)!.data;
      await expectDenied(keys.doc(`with-${field}`).set({ ...valid, [field]: 'sk-live-123' }));
      await asServer((db) => db.doc(home(`apiKeys/clean-${field}`)).set(valid));
      await expectDenied(keys.doc(`clean-${field}`).update({ [field]: 'sk-live-123' }));
    },
  );

  const valid = () => ACCESS_TABLE.find((row) => row.collection === COLLECTIONS.apiKeys)!.data;
  it.each<[string, Record<string, unknown>]>([
    ['a nested key field', { meta: { key: 'x' } }],
    ['a kebab-case API-KEY field', { 'API-KEY': 'x' }],
    ['a bearer token field', { bearerToken: 'x' }],
    ['a harmless-looking extra field', { label: 'prod' }],
    ['a provider that is an OpenAI-style key', { provider: 'sk-proj-abc123' }],
    ['a provider that is a Google API key', { provider: 'AIzaSyA-1234567890' }],
    ['a provider holding a PEM private key', { provider: 'x\n-----BEGIN PRIVATE KEY-----\nMII' }],
    ['a provider that is not a string', { provider: 42 }],
  ])('an owner cannot store %s', async (_, change) => {
    const keys = owner().collection(home('apiKeys'));
    await expectDenied(keys.doc('hostile').set({ ...valid(), ...change }));
  });

  it('an owner may store a description of a key, lastUsedAt included', async () => {
    const keys = owner().collection(home('apiKeys'));
    await expectAllowed(
      keys.doc('described').set({ ...valid(), lastUsedAt: at('2026-11-01T00:00:00Z') }),
    );
  });
});

describe('settings/compliance shape', () => {
  const complianceDoc = () => clientOf(principalNamed('admin')).doc(home('settings/compliance'));
  const clearCompliance = () => asServer((db) => db.doc(home('settings/compliance')).delete());

  const accepted: [string, Record<string, unknown>][] = [
    ['an empty document (every field has a default)', {}],
    [
      'every field, well typed',
      {
        frameworks: ['soc2', 'gdpr'],
        piiDetection: { enabled: true, mode: 'redact', entities: ['email', 'phone'] },
        dataResidency: { chats: 'local_only', files: 'cloud_redacted', logs: 'cloud_sync' },
        retention: { auditLogDays: 2555, evidenceDays: 365 },
        updatedBy: 'admin-uid',
        updatedAt: at('2026-01-06T00:00:00Z'),
      },
    ],
    ['piiDetection without entities', { piiDetection: { enabled: false, mode: 'off' } }],
  ];

  it.each(accepted)('accepts %s, which the server parses too', async (_, settings) => {
    await clearCompliance();
    await expectAllowed(complianceDoc().set(settings));
    expect(complianceSettingsSchema.safeParse(settings).success).toBe(true);
  });

  const refused: [string, Record<string, unknown>][] = [
    ['an unknown top-level field', { frameworks: [], owner: 'someone' }],
    ['frameworks as a string', { frameworks: 'soc2' }],
    ['piiDetection as a boolean', { piiDetection: true }],
    ['piiDetection without enabled', { piiDetection: { mode: 'redact' } }],
    ['piiDetection without mode', { piiDetection: { enabled: true } }],
    ['piiDetection.enabled as a string', { piiDetection: { enabled: 'yes', mode: 'redact' } }],
    ['piiDetection.mode as a number', { piiDetection: { enabled: true, mode: 3 } }],
    [
      'piiDetection.entities as a string',
      { piiDetection: { enabled: true, mode: 'redact', entities: 'email' } },
    ],
    [
      'an unknown piiDetection field',
      { piiDetection: { enabled: true, mode: 'redact', threshold: 0.5 } },
    ],
    ['dataResidency as a string', { dataResidency: 'local_only' }],
    ['an unknown residency mode', { dataResidency: { chats: 'anywhere' } }],
    ['retention as a number', { retention: 365 }],
    ['a zero auditLogDays', { retention: { auditLogDays: 0 } }],
    ['a negative auditLogDays', { retention: { auditLogDays: -5 } }],
    ['a fractional auditLogDays', { retention: { auditLogDays: 1.5 } }],
    ['auditLogDays as a string', { retention: { auditLogDays: '365' } }],
    ['updatedBy as a number', { updatedBy: 42 }],
    ['updatedAt as a string', { updatedAt: '2026-01-06' }],
  ];

  it.each(refused)('refuses %s, on create and on update', async (_, settings) => {
    await clearCompliance();
    await expectDenied(complianceDoc().set(settings));
    await asServer((db) => db.doc(home('settings/compliance')).set({ frameworks: ['soc2'] }));
    await expectDenied(complianceDoc().set(settings, { merge: true }));
  });
});

// Last, after every other test: the emulator's coverage report for this project is what the run
// exercised. It is written to coverage/ for people to read and checked here.
describe('rules coverage', () => {
  it(
    'exercises every rule expression, and both outcomes of every condition',
    async () => {
      const { json, html } = await fetchRuleCoverage(PROJECT_ID);
      mkdirSync('coverage', { recursive: true });
      writeFileSync('coverage/firestore-rules.json', JSON.stringify(json, null, 2));
      writeFileSync('coverage/firestore-rules.html', html);
      expect(json.report.length).toBeGreaterThan(0);
      expect(coverageGaps(json)).toEqual([]);
    },
    SETUP_TIMEOUT_MS,
  );
});
