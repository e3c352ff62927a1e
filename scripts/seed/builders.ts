import { DAY_MS, HOUR_MS } from '../../functions/domain/time';
/**
 * Document builders for the demo seeder, tests and benchmarks. Each `*Doc` function returns one
 * document of CONTRACT §2 (path + data) with sensible defaults; `writeDocs` writes any number of
 * them through one BulkWriter. Inputs are the schemas' `z.input` types: timestamps are given as
 * `Date`, which the admin SDK stores as Firestore Timestamps.
 *
 *   await writeDocs(db, [
 *     accountDoc('acme', { plan: 'enterprise' }),
 *     memberDoc('acme', 'u1', { role: 'admin', email: 'a@acme.example' }),
 *   ]);
 */
import type { Auth, CreateRequest, UserImportRecord, UserRecord } from 'firebase-admin/auth';
import type { Firestore } from 'firebase-admin/firestore';
import type { z } from 'zod';
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
} from '../../functions/schema/documents';
import { ROLES, type Role } from '../../functions/domain/roles';
import {
  accountPath,
  COMPLIANCE_SETTINGS_DOC,
  subcollectionPath,
} from '../../functions/schema/paths';
import { auditEvents, type Actor } from './activity';
import type { Rng } from './rng';

export type AccountInput = z.input<typeof accountSchema>;
export type MemberInput = z.input<typeof memberSchema>;
export type DepartmentInput = z.input<typeof departmentSchema>;
export type ResourceInput = z.input<typeof resourceSchema>;
export type ApiKeyInput = z.input<typeof apiKeySchema>;
export type AuditLogInput = z.input<typeof auditLogSchema>;
export type SecurityEventInput = z.input<typeof securityEventSchema>;
export type BlockedIpInput = z.input<typeof blockedIpSchema>;
export type ComplianceSettingsInput = z.input<typeof complianceSettingsSchema>;

/** One Firestore document to write: full path and data. */
export interface SeedDoc {
  path: string;
  data: Record<string, unknown>;
}

/** The clock builders fall back to when a timestamp is not given. */
const defaultNow = () => new Date();

/**
 * Firestore refuses `undefined` field values; an optional field left undefined by a caller must
 * simply be absent, at any depth (details, metadata).
 */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value === null || typeof value !== 'object' || value.constructor !== Object) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, withoutUndefined(v)]),
  ) as T;
}

const doc = (path: string, data: object): SeedDoc => ({
  path,
  data: withoutUndefined(data as Record<string, unknown>),
});

type Subcollection = Exclude<Parameters<typeof subcollectionPath>[1], 'settings'>;

/**
 * A builder for one kind of account subcollection document: `(accountId, id, input?)`, where the
 * input overrides defaults that make a valid document on their own.
 */
function subcollectionDoc<I extends object>(
  collection: Subcollection,
  defaults: (id: string) => I,
) {
  return (accountId: string, id: string, input: Partial<I> = {}): SeedDoc =>
    doc(`${subcollectionPath(accountId, collection)}/${id}`, { ...defaults(id), ...input });
}

export function accountDoc(accountId: string, input: Partial<AccountInput> = {}): SeedDoc {
  return doc(accountPath(accountId), {
    name: accountId,
    plan: 'enterprise',
    createdAt: defaultNow(),
    ...input,
  } satisfies AccountInput);
}

export const memberDoc = subcollectionDoc<MemberInput>('members', (uid) => ({
  email: `${uid}@example.com`,
  displayName: uid,
  role: 'member',
  departments: [],
}));

export const departmentDoc = subcollectionDoc<DepartmentInput>('departments', (id) => ({
  name: id,
}));

export const resourceDoc = subcollectionDoc<ResourceInput>('resources', (id) => ({
  type: 'recipe',
  name: id,
  departmentIds: [],
  memberIds: [],
}));

/** Status and metadata only: the schema refuses key material. */
export const apiKeyDoc = subcollectionDoc<ApiKeyInput>('apiKeys', () => ({
  provider: 'anthropic',
  status: 'valid',
  createdAt: defaultNow(),
}));

export const auditLogDoc = subcollectionDoc<AuditLogInput>('auditLogs', () => ({
  timestamp: defaultNow(),
  actorId: 'system',
  action: 'recipe.execute',
  resourceType: 'recipe',
  result: 'success',
}));

export const securityEventDoc = subcollectionDoc<SecurityEventInput>('securityEvents', () => ({
  type: 'auth_failure',
  timestamp: defaultNow(),
}));

export const blockedIpDoc = subcollectionDoc<BlockedIpInput>('blockedIps', () => ({
  ip: '203.0.113.250',
  reason: 'repeated failed sign-ins',
  blockedAt: defaultNow(),
}));

export function complianceSettingsDoc(
  accountId: string,
  input: Partial<ComplianceSettingsInput> = {},
): SeedDoc {
  return doc(`${subcollectionPath(accountId, 'settings')}/${COMPLIANCE_SETTINGS_DOC}`, {
    frameworks: ['soc2'],
    piiDetection: { enabled: true, mode: 'redact', entities: ['email', 'phone_number'] },
    dataResidency: {},
    retention: { auditLogDays: 365 },
    ...input,
  } satisfies ComplianceSettingsInput);
}

/**
 * Writes documents through one BulkWriter (unthrottled: the 500/50/5 ramp-up exists to protect
 * production Firestore and would make a 100,000-event seed take minutes). Rejects, naming the
 * first failures, if any write failed after the writer's own retries. Returns the count written.
 */
export async function writeDocs(db: Firestore, docs: Iterable<SeedDoc>): Promise<number> {
  const writer = db.bulkWriter({ throttling: false });
  const failures: string[] = [];
  let written = 0;
  for (const { path, data } of docs) {
    writer.set(db.doc(path), data).then(
      () => written++,
      (error: Error) => failures.push(`${path}: ${error.message}`),
    );
  }
  await writer.close();
  if (failures.length > 0) {
    throw new Error(
      `${failures.length} seed writes failed, first: ${failures.slice(0, 3).join(' | ')}`,
    );
  }
  return written;
}

export interface AuthUserInput {
  uid: string;
  email: string;
  displayName?: string;
  /** Omit for users that only ever get minted tokens (tests, benchmarks). */
  password?: string;
  emailVerified?: boolean;
  disabled?: boolean;
  /** Phone numbers enrolled as second factors (E.164, e.g. `+15555550101`). */
  mfaPhoneNumbers?: string[];
}

/** Phone second factors (a user's whole list: an update or import replaces, never appends). */
function phoneFactors(input: AuthUserInput) {
  return (input.mfaPhoneNumbers ?? []).map((phoneNumber, i) => ({
    factorId: 'phone',
    phoneNumber,
    displayName: i === 0 ? 'Work phone' : `Backup phone ${i}`,
  }));
}

function userProperties(input: AuthUserInput): Omit<CreateRequest, 'uid'> & UserImportRecord {
  const enrolledFactors = phoneFactors(input);
  return withoutUndefined({
    uid: input.uid,
    email: input.email,
    displayName: input.displayName,
    password: input.password,
    emailVerified: input.emailVerified,
    disabled: input.disabled,
    multiFactor: enrolledFactors.length > 0 ? { enrolledFactors } : undefined,
  });
}

/** Creates the Firebase Auth user, or updates it to match when the uid already exists (reruns). */
export async function upsertAuthUser(auth: Auth, input: AuthUserInput): Promise<UserRecord> {
  const properties = userProperties(input);
  try {
    return await auth.createUser(properties);
  } catch (error) {
    if ((error as { code?: string }).code !== 'auth/uid-already-exists') throw error;
    const { uid, multiFactor, ...changes } = properties;
    // An update names each factor by enrollment id (the emulator insists); creation must not.
    const enrolledFactors = multiFactor?.enrolledFactors?.map((f, i) => ({
      ...f,
      uid: `${uid}-mfa-${i}`,
    }));
    return auth.updateUser(uid, {
      ...changes,
      multiFactor: { enrolledFactors: enrolledFactors ?? null },
    });
  }
}

/** Firebase Auth accepts at most 1,000 users per import call. */
const IMPORT_BATCH = 1000;

/**
 * Imports many users at once (no passwords: importing one needs a hash configuration, and bulk
 * users only ever get minted tokens). Existing uids are overwritten, so reruns are safe.
 */
export async function importAuthUsers(auth: Auth, inputs: readonly AuthUserInput[]): Promise<void> {
  for (let start = 0; start < inputs.length; start += IMPORT_BATCH) {
    const records: UserImportRecord[] = inputs
      .slice(start, start + IMPORT_BATCH)
      .map(({ password: _ignored, ...input }) => userProperties(input));
    const result = await auth.importUsers(records);
    if (result.failureCount > 0) {
      const first = result.errors[0];
      throw new Error(
        `${result.failureCount} Auth users failed to import, first: ${records[first.index].uid}: ${first.error.message}`,
      );
    }
  }
}

export interface LargeAccountOptions {
  /** Number of members (and Auth users), e.g. 1,000. */
  members: number;
  /** Number of audit events, e.g. 100,000. */
  events: number;
  now: Date;
  rng: Rng;
  /** Days back the events are spread over; 30 keeps them all inside the report's window. */
  days?: number;
}

export interface LargeAccountResult {
  accountId: string;
  uids: string[];
  departmentIds: string[];
  resourceCount: number;
  eventCount: number;
}

const LARGE_DEPARTMENTS = 20;
const LARGE_RESOURCES = 200;
const LARGE_API_KEY_PROVIDERS = ['anthropic', 'openai', 'google', 'mistral'];

/** Roles of a large organisation: mostly members, a few of each privileged role. */
function largeAccountRole(index: number, rng: Rng): Role {
  if (index === 0) return 'owner';
  // Guarantees every role is present however small `members` is.
  if (index < ROLES.length) return ROLES[index];
  return rng.weighted<Role>([
    ['admin', 1],
    ['dept_lead', 4],
    ['auditor', 1],
    ['member', 80],
    ['viewer', 14],
  ]);
}

/**
 * A large enterprise account for benchmarks: `members` members with Auth users, 20 departments,
 * 200 resources, a few API keys and `events` audit events with a realistic mix (see activity.ts).
 */
export async function seedLargeAccount(
  db: Firestore,
  auth: Auth,
  accountId: string,
  options: LargeAccountOptions,
): Promise<LargeAccountResult> {
  const { rng, now } = options;
  const days = options.days ?? 30;
  const departmentIds = Array.from(
    { length: LARGE_DEPARTMENTS },
    (_, i) => `dept-${String(i + 1).padStart(2, '0')}`,
  );
  const actors: Actor[] = Array.from({ length: options.members }, (_, i) => {
    const uid = `${accountId}-user-${String(i + 1).padStart(5, '0')}`;
    return {
      uid,
      email: `user${i + 1}@${accountId}.example`,
      role: largeAccountRole(i, rng),
      // Zipf-like: a few members generate most of the activity, as in real tenants.
      activity: 1 / (1 + rng.int(0, options.members - 1)) ** 0.7,
      activeUntil: new Date(now.getTime() - rng.int(0, 72) * HOUR_MS),
    };
  });
  const resources = Array.from({ length: LARGE_RESOURCES }, (_, i) => ({
    id: `res-${String(i + 1).padStart(4, '0')}`,
    type: i % 3 === 0 ? ('workflow' as const) : ('recipe' as const),
    name: `${i % 3 === 0 ? 'Workflow' : 'Recipe'} ${i + 1}`,
  }));

  await importAuthUsers(
    auth,
    actors.map((a) => ({
      uid: a.uid,
      email: a.email,
      displayName: a.uid,
      emailVerified: true,
      mfaPhoneNumbers: rng.chance(0.4)
        ? [`+1555${String(rng.int(0, 9_999_999)).padStart(7, '0')}`]
        : [],
    })),
  );

  const documents = function* (): Generator<SeedDoc> {
    yield accountDoc(accountId, {
      name: `Large ${accountId}`,
      plan: 'enterprise',
      createdAt: new Date(now.getTime() - 400 * DAY_MS),
    });
    for (const id of departmentIds)
      yield departmentDoc(accountId, id, { name: `Department ${id}` });
    for (const actor of actors) {
      yield memberDoc(accountId, actor.uid, {
        email: actor.email,
        displayName: actor.uid,
        role: actor.role,
        departments: rng.sample(departmentIds, rng.int(1, 3)),
        lastActiveAt: actor.activeUntil,
      });
    }
    for (const resource of resources) {
      yield resourceDoc(accountId, resource.id, {
        type: resource.type,
        name: resource.name,
        departmentIds: rng.sample(departmentIds, rng.int(0, 3)),
        memberIds: rng.sample(actors, rng.int(0, 5)).map((a) => a.uid),
      });
    }
    for (const [i, provider] of LARGE_API_KEY_PROVIDERS.entries()) {
      yield apiKeyDoc(accountId, `key-${provider}`, {
        provider,
        status: 'valid',
        createdAt: new Date(now.getTime() - (200 + i * 30) * DAY_MS),
        lastUsedAt: new Date(now.getTime() - i * HOUR_MS),
      });
    }
    const activity = auditEvents({
      accountId,
      actors,
      resources,
      departments: departmentIds.map((id) => ({ id, name: `Department ${id}` })),
      apiKeys: LARGE_API_KEY_PROVIDERS.map((provider) => ({ id: `key-${provider}`, provider })),
      count: options.events,
      now,
      days,
      rng,
    });
    for (const { id, event } of activity) yield auditLogDoc(accountId, id, event);
  };
  await writeDocs(db, documents());
  return {
    accountId,
    uids: actors.map((a) => a.uid),
    departmentIds,
    resourceCount: resources.length,
    eventCount: options.events,
  };
}
