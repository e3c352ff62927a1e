import { DAY_MS, HOUR_MS } from '../../functions/domain/time';
/**
 * Seeds the demo tenants (scripts/seed/demoAccounts.ts) into the local emulators: Firestore
 * documents of CONTRACT §2 and the matching Firebase Auth users. Deterministic for a given clock
 * and seed; rerunning overwrites the same documents and updates the same users.
 */
import { getApps, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import type { SeedResult, StackEnv } from '../localStack/types';
import { demoAccessReviews } from './accessReviews';
import { auditEvents, type Actor } from './activity';
import {
  accountDoc,
  apiKeyDoc,
  auditLogDoc,
  blockedIpDoc,
  complianceSettingsDoc,
  departmentDoc,
  memberDoc,
  resourceDoc,
  securityEventDoc,
  upsertAuthUser,
  writeDocs,
  type AuthUserInput,
  type SeedDoc,
} from './builders';
import {
  ACME,
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  type AccountSpec,
  type PersonSpec,
} from './demoAccounts';
import { planEvidenceItems, storeEvidenceFiles } from './evidenceItems';
import { gcsEvidenceStore } from '../../functions/adapters/storage';
import { mulberry32, type Rng } from './rng';

export interface SeedDemoOptions {
  /** The clock every relative time is measured from; defaults to the real time. */
  now?: Date;
  /** RNG seed; the same seed and clock give the same data. */
  seed?: number;
  /**
   * Prefix for account ids and uids (and a `+tag` in emails), so a test can seed its own copy on
   * a stack other tests share without touching theirs.
   */
  namespace?: string;
}

export const DEFAULT_DEMO_SEED = 20261123;

export interface PlannedAccount {
  accountId: string;
  name: string;
  docs: SeedDoc[];
  authUsers: AuthUserInput[];
  users: SeedResult['users'];
}

interface PlanContext {
  now: Date;
  rng: Rng;
  namespace: string;
}

/** Everything one demo account consists of, computed without touching any emulator. */
export function planAccount(
  spec: AccountSpec,
  { now, rng, namespace }: PlanContext,
): PlannedAccount {
  const accountId = `${namespace}${spec.id}`;
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const emailTag = namespace.replace(/[^A-Za-z0-9]/g, '');
  const uidOf = (handle: string) =>
    `${namespace}${spec.id.split('-')[0]}-${handle.replace(/\./g, '-')}`;
  const emailOf = (p: PersonSpec) =>
    emailTag ? `${p.handle}+${emailTag}@${spec.domain}` : `${p.handle}@${spec.domain}`;
  const lastActiveOf = (p: PersonSpec) =>
    p.lastActiveHoursAgo === undefined
      ? undefined
      : new Date(now.getTime() - p.lastActiveHoursAgo * HOUR_MS);

  const docs: SeedDoc[] = [
    accountDoc(accountId, {
      name: spec.name,
      plan: spec.plan,
      createdAt: daysAgo(spec.createdDaysAgo),
    }),
    complianceSettingsDoc(accountId, spec.compliance),
  ];
  for (const [id, name] of Object.entries(spec.departments)) {
    docs.push(departmentDoc(accountId, id, { name }));
  }
  for (const p of spec.people) {
    docs.push(
      memberDoc(accountId, uidOf(p.handle), {
        email: emailOf(p),
        displayName: p.displayName,
        role: p.role,
        departments: p.departments,
        lastActiveAt: lastActiveOf(p),
        disabled: p.disabled,
      }),
    );
  }
  for (const { id, memberHandles = [], ...resource } of spec.resources) {
    docs.push(resourceDoc(accountId, id, { ...resource, memberIds: memberHandles.map(uidOf) }));
  }
  for (const { id, createdAt = 0, lastUsedAt, ...key } of spec.apiKeys) {
    docs.push(
      apiKeyDoc(accountId, id, {
        ...key,
        createdAt: daysAgo(createdAt),
        lastUsedAt: lastUsedAt === undefined ? undefined : daysAgo(lastUsedAt),
      }),
    );
  }
  for (const { id, blockedAt = 0, expiresAt, ...blocked } of spec.blockedIps) {
    docs.push(
      blockedIpDoc(accountId, id, {
        ...blocked,
        blockedAt: daysAgo(blockedAt),
        expiresAt: expiresAt === undefined ? undefined : daysAgo(expiresAt),
      }),
    );
    docs.push(
      securityEventDoc(accountId, `sec-${id}`, {
        type: 'ip_blocked',
        timestamp: daysAgo(blockedAt),
        ip: blocked.ip,
        details: { reason: blocked.reason, blockedIpId: id },
      }),
    );
  }
  docs.push(...securityActivity(spec, accountId, { now, rng, namespace }, uidOf, emailOf));

  const actors: Actor[] = spec.people
    .filter((p) => p.activity > 0)
    .map((p) => ({
      uid: uidOf(p.handle),
      email: emailOf(p),
      role: p.role,
      activity: p.activity,
      activeUntil: lastActiveOf(p),
    }));
  const activity = auditEvents({
    accountId,
    actors,
    resources: spec.resources,
    departments: Object.entries(spec.departments).map(([id, name]) => ({ id, name })),
    apiKeys: spec.apiKeys,
    count: spec.auditEvents,
    now,
    days: spec.auditDays,
    rng,
  });
  for (const { id, event } of activity) docs.push(auditLogDoc(accountId, id, event));

  const authUsers = spec.people.map((p) => ({
    uid: uidOf(p.handle),
    email: emailOf(p),
    displayName: p.displayName,
    password: DEMO_PASSWORD,
    emailVerified: p.emailVerified ?? false,
    disabled: p.disabled ?? false,
    mfaPhoneNumbers: p.mfaPhone ? [p.mfaPhone] : [],
  }));
  if (spec.accessReviews) {
    const { owner, admin, revokedLastQuarter, revokedThisQuarter } = spec.accessReviews;
    const byUid = {
      owner: uidOf(owner),
      admin: uidOf(admin),
      revokedLastQuarter: uidOf(revokedLastQuarter),
      revokedThisQuarter: uidOf(revokedThisQuarter),
    };
    docs.push(...demoAccessReviews(accountId, docs, authUsers, byUid, now));
  }
  return {
    accountId,
    name: spec.name,
    docs,
    authUsers,
    users: authUsers.map((u, i) => ({
      uid: u.uid,
      email: u.email,
      password: u.password,
      disabled: u.disabled,
      mfaEnrolled: u.mfaPhoneNumbers.length > 0,
      role: spec.people[i].role,
      accountId,
    })),
  };
}

/**
 * Failed sign-ins over the last 30 days (mostly from the addresses later blocked, some typos by
 * real people) and usage-spike alerts.
 */
function securityActivity(
  spec: AccountSpec,
  accountId: string,
  { now, rng }: PlanContext,
  uidOf: (handle: string) => string,
  emailOf: (p: PersonSpec) => string,
): SeedDoc[] {
  const docs: SeedDoc[] = [];
  const attackerIps = spec.blockedIps.map((b) => b.ip);
  for (let n = 0; n < spec.authFailures; n++) {
    const fromAttacker = attackerIps.length > 0 && rng.chance(0.7);
    const target = rng.pick(spec.people);
    docs.push(
      securityEventDoc(accountId, `authfail-${String(n + 1).padStart(4, '0')}`, {
        type: 'auth_failure',
        timestamp: new Date(now.getTime() - rng.next() * 30 * DAY_MS),
        ip: fromAttacker ? rng.pick(attackerIps) : `198.51.100.${rng.int(1, 254)}`,
        actorId: fromAttacker ? undefined : uidOf(target.handle),
        details: {
          email: emailOf(target),
          reason: fromAttacker ? 'INVALID_PASSWORD' : rng.pick(['INVALID_PASSWORD', 'MFA_FAILED']),
        },
      }),
    );
  }
  for (const [n, spike] of spec.usageSpikes.entries()) {
    docs.push(
      securityEventDoc(accountId, `spike-${n + 1}`, {
        type: 'usage_spike',
        timestamp: new Date(now.getTime() - spike.daysAgo * DAY_MS),
        actorId: uidOf(spike.handle),
        details: {
          resourceId: spike.resourceId,
          executionsPerHour: spike.perHour,
          baselinePerHour: Math.round(spike.perHour / 12),
        },
      }),
    );
  }
  return docs;
}

/** Points the admin SDK at this stack's emulators; refuses to mix two stacks in one process. */
function useStackEmulators(env: StackEnv): void {
  for (const name of [
    'FIRESTORE_EMULATOR_HOST',
    'FIREBASE_AUTH_EMULATOR_HOST',
    'STORAGE_EMULATOR_HOST',
  ] as const) {
    const current = process.env[name];
    if (current === undefined) process.env[name] = env[name];
    else if (current !== env[name]) {
      throw new Error(
        `seedDemo: ${name} is ${current} in this process, the stack says ${env[name]}`,
      );
    }
  }
}

export async function seedDemo(env: StackEnv, options: SeedDemoOptions = {}): Promise<SeedResult> {
  useStackEmulators(env);
  const appName = `demo-seed-${env.GCLOUD_PROJECT}`;
  const app =
    getApps().find((a) => a.name === appName) ??
    initializeApp({ projectId: env.GCLOUD_PROJECT }, appName);
  const db = getFirestore(app);
  const auth = getAuth(app);
  const context: PlanContext = {
    now: options.now ?? new Date(),
    rng: mulberry32(options.seed ?? DEFAULT_DEMO_SEED),
    namespace: options.namespace ?? '',
  };
  const planned = DEMO_ACCOUNTS.map((spec) => planAccount(spec, context));
  const acme = planned[DEMO_ACCOUNTS.indexOf(ACME)];
  const acmeOwner = acme.users.find((u) => u.role === 'owner')!;
  const evidence = planEvidenceItems(acme.accountId, acmeOwner.uid, context.now);
  // The files first: an item document never points at an object that is not there.
  await storeEvidenceFiles(gcsEvidenceStore(env.EVIDENCE_BUCKET, { ...env }), evidence.files);
  await Promise.all(planned.flatMap((p) => p.authUsers).map((user) => upsertAuthUser(auth, user)));
  await writeDocs(db, [...planned.flatMap((p) => p.docs), ...evidence.docs]);
  return {
    accounts: planned.map((p) => ({ id: p.accountId, name: p.name })),
    users: planned.flatMap((p) => p.users),
  };
}
