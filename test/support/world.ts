/**
 * Fixtures for emulator tests: accounts, members with real Auth users, real ID tokens, and HTTP
 * calls to the API through the Hosting emulator. Every test builds its own account
 * (`uniqueAccountId`), so test files can share one stack without seeing each other's data.
 */
import { randomBytes } from 'node:crypto';
import { auth, firestore } from '../../functions/adapters/firebase';
import { ROLES, type Role } from '../../functions/domain/roles';
import { mintIdToken } from '../../scripts/localStack/idTokens';
import {
  accountDoc,
  memberDoc,
  upsertAuthUser,
  writeDocs,
  type AccountInput,
  type AuthUserInput,
  type MemberInput,
  type SeedDoc,
} from '../../scripts/seed/builders';

export const db = firestore();
export const adminAuth = auth();

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: emulator tests run inside the stack (npm test)`);
  return value;
}

/** A fresh, valid document id: `<prefix>-<time>-<random>`. */
export function uniqueAccountId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export async function createAccount(
  accountId: string,
  input: Partial<AccountInput> = {},
  extraDocs: SeedDoc[] = [],
): Promise<string> {
  await writeDocs(db, [accountDoc(accountId, { name: accountId, ...input }), ...extraDocs]);
  return accountId;
}

export interface MemberFixture {
  uid: string;
  email: string;
  role: Role;
}

/**
 * Adds a member document and its Firebase Auth user (unless `authUser` is false: a member whose
 * identity-provider record is missing).
 */
export async function addMember(
  accountId: string,
  input: Partial<MemberInput> & { uid?: string; role: Role },
  authUser: Partial<AuthUserInput> | false = {},
): Promise<MemberFixture> {
  const uid = input.uid ?? `${accountId}-${input.role}-${randomBytes(3).toString('hex')}`;
  const email = input.email ?? `${uid}@example.test`;
  const { uid: _ignored, ...member } = input;
  if (authUser !== false) {
    await upsertAuthUser(adminAuth, {
      uid,
      email,
      displayName: member.displayName ?? uid,
      ...authUser,
    });
  }
  await writeDocs(db, [memberDoc(accountId, uid, { ...member, email })]);
  return { uid, email, role: input.role };
}

export async function idTokenFor(uid: string): Promise<string> {
  return mintIdToken(requiredEnv('FIREBASE_AUTH_EMULATOR_HOST'), uid);
}

/**
 * An enterprise account with one member of each role, and an ID token for each; `authUser` goes
 * to every member's Auth user (a password, to sign in through the portal).
 */
export async function accountWithEveryRole(
  prefix: string,
  input: Partial<AccountInput> = {},
  authUser: Partial<AuthUserInput> = {},
): Promise<{ accountId: string; members: Record<Role, MemberFixture & { token: string }> }> {
  const accountId = await createAccount(uniqueAccountId(prefix), input);
  const entries = await Promise.all(
    ROLES.map(async (role) => {
      const member = await addMember(accountId, { role }, authUser);
      return [role, { ...member, token: await idTokenFor(member.uid) }] as const;
    }),
  );
  return {
    accountId,
    members: Object.fromEntries(entries) as Record<Role, MemberFixture & { token: string }>,
  };
}

export interface ApiCall {
  method?: string;
  token?: string;
  query?: Record<string, string | string[]>;
  body?: unknown;
  /** Sent as the body as it is (a file upload), instead of `body` as JSON. */
  raw?: Uint8Array | ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body as received (PDF exports). */
  bytes: Buffer;
  /** Parsed JSON body, or undefined when the body is not JSON (CSV exports). */
  json: unknown;
}

/** Calls `EVIDENCE_API_URL + path` (path like `/soc2-evidence`) through the Hosting emulator. */
export async function callApi(path: string, call: ApiCall = {}): Promise<ApiAnswer> {
  const url = new URL(requiredEnv('EVIDENCE_API_URL') + path);
  for (const [name, value] of Object.entries(call.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, v);
  }
  const response = await fetch(url, {
    method: call.method ?? 'GET',
    headers: {
      ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...call.headers,
    },
    body: call.raw ?? (call.body === undefined ? undefined : JSON.stringify(call.body)),
    // A stream body has no length: it goes chunked, which fetch only does half-duplex.
    ...(call.raw instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, bytes, json };
}

export { eventually } from './eventually';
