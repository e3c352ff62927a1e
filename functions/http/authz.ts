import type { IncomingHttpHeaders } from 'node:http';
import type { DecodedIdToken } from 'firebase-admin/auth';
import type { DocumentSnapshot } from 'firebase-admin/firestore';
import { z } from 'zod';
import * as logger from 'firebase-functions/logger';
import type { Deps } from '../app/deps';
import { permissionDenied, planRequired, unauthenticated } from '../domain/errors';
import type { Caller } from '../domain/caller';
import { can, levelOf, type Permission } from '../domain/roles';
import { accountIdParam } from '../schema/api';
import { parseDocument, parseInput } from '../schema/common';
import { accountSchema, memberSchema } from '../schema/documents';
import { accountDocPath, accountPath } from '../schema/paths';
import { inputSchemaAt, type ApiRequest, type RouteAccess, type RouteInput } from './router';

const BEARER = /^Bearer ([A-Za-z0-9._-]+)$/;

/** The request's bearer token; 401 without one. */
function bearerToken(headers: IncomingHttpHeaders): string {
  const header = headers.authorization;
  const token = typeof header === 'string' ? BEARER.exec(header.trim())?.[1] : undefined;
  if (!token) throw unauthenticated('Send Authorization: Bearer <Firebase ID token>.');
  return token;
}

/** Verifies an ID token, with the revocation check when asked; any rejection is 401. */
async function verifyToken(
  deps: Deps,
  token: string,
  checkRevoked: boolean,
): Promise<DecodedIdToken> {
  try {
    return await deps.auth.verifyIdToken(token, checkRevoked);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'auth/unknown';
    // The token itself is never logged.
    logger.info('ID token rejected', { code });
    throw unauthenticated(
      code === 'auth/id-token-expired'
        ? 'The ID token has expired.'
        : code === 'auth/id-token-revoked'
          ? 'The ID token has been revoked.'
          : 'The ID token is invalid.',
    );
  }
}

/** Verifies the Firebase ID token; expired, malformed and revoked tokens are all 401. */
export async function authenticate(
  deps: Deps,
  headers: IncomingHttpHeaders,
): Promise<DecodedIdToken> {
  return verifyToken(deps, bearerToken(headers), true);
}

type MembershipReads = [DocumentSnapshot, DocumentSnapshot];

/** The account and the caller's member document, in one batched read (one round trip). */
const readMembership = (deps: Deps, accountId: string, uid: string) =>
  deps.db.getAll(
    deps.db.doc(accountPath(accountId)),
    deps.db.doc(accountDocPath(accountId, 'members', uid)),
  ) as Promise<MembershipReads>;

/**
 * Decides whether the caller may use `permission` in `accountId`, reading the member document at
 * request time (no stale claims). Runs before any cached or evidence data is touched.
 */
export async function authorizeAccount(
  deps: Deps,
  token: DecodedIdToken,
  accountId: string,
  permission: Permission,
  reads: Promise<MembershipReads> = readMembership(deps, accountId, token.uid),
): Promise<Caller> {
  const [accountSnap, memberSnap] = await reads;
  // A missing account and a missing membership answer alike: no probing for account ids.
  if (!accountSnap.exists || !memberSnap.exists) {
    throw permissionDenied(`You are not a member of account ${accountId}.`);
  }
  const member = parseDocument(memberSchema, memberSnap.ref.path, memberSnap.data());
  if (!member.ok) {
    logger.warn('malformed member document blocks authorization', {
      accountId,
      uid: token.uid,
      problem: member.error.message,
    });
    throw permissionDenied('Your membership record is invalid; ask an account admin to fix it.');
  }
  if (member.value.disabled) throw permissionDenied('Your membership in this account is disabled.');
  if (!can(member.value.role, permission)) {
    throw permissionDenied(`Role ${member.value.role} lacks the ${permission} permission.`);
  }
  const account = parseDocument(accountSchema, accountSnap.ref.path, accountSnap.data());
  if (!account.ok) {
    logger.error('malformed account document', { accountId, problem: account.error.message });
    throw planRequired('The account record has no valid plan; the enterprise plan is required.');
  }
  if (account.value.plan !== 'enterprise') throw planRequired();
  return {
    uid: token.uid,
    email: token.email,
    accountId,
    role: member.value.role,
    level: levelOf(member.value.role),
    account: account.value,
  };
}

/** Read before authorization from an input validated only after it. */
const accountOfInput = z.looseObject({ accountId: accountIdParam });

/** A permission, then (for some writes) a minimum role level, in the account. */
async function authorizeMember(
  deps: Deps,
  token: DecodedIdToken,
  accountId: string,
  access: RouteAccess,
  reads?: Promise<MembershipReads>,
): Promise<Caller> {
  const caller = await authorizeAccount(deps, token, accountId, access.permission, reads);
  if (access.level && caller.level < access.level.min) {
    throw permissionDenied(
      `Role ${caller.role} (level ${caller.level}) cannot ${access.level.to}; level ${access.level.min} is required.`,
    );
  }
  return caller;
}

/**
 * Starts the membership reads while the token's revocation check (a round trip to Firebase Auth)
 * runs: only for a token whose signature and expiry already hold, so a forged token costs no read,
 * and nothing is decided on them until the revocation check has passed. Undefined (read later, in
 * order) when the input names no valid account.
 */
async function startMembershipReads(deps: Deps, bearer: string, raw: unknown) {
  const named = accountOfInput.safeParse(raw ?? {});
  if (!named.success) return undefined;
  const { uid } = await verifyToken(deps, bearer, false);
  const reads = readMembership(deps, named.data.accountId, uid);
  // Awaited later, or dropped when the request is refused first; never an unhandled rejection.
  reads.catch(() => undefined);
  return { uid, accountId: named.data.accountId, reads };
}

/**
 * The order every account route follows: the token (401), then the input (400), then membership,
 * plan and permission in the account the input names (403), then the path parameters (400).
 * An input validated after authorization is read only for its `accountId` before it.
 */
export async function authorizeRoute(
  deps: Deps,
  req: ApiRequest,
  rawParams: Record<string, string>,
  route: { access: RouteAccess; input: RouteInput; params?: z.ZodType },
): Promise<{ caller: Caller; input: unknown; params: Record<string, string> }> {
  const bearer = bearerToken(req.headers);
  const raw = route.input.in === 'query' ? req.query : req.body;
  const membership = await startMembershipReads(deps, bearer, raw);
  const token = await verifyToken(deps, bearer, true);
  const early = route.input.afterAuthorization
    ? undefined
    : parseInput(inputSchemaAt(route.input, deps.now()), raw);
  const { accountId } = early ?? parseInput(accountOfInput, raw ?? {});
  const caller = await authorizeMember(
    deps,
    token,
    accountId,
    route.access,
    membership?.uid === token.uid && membership.accountId === accountId
      ? membership.reads
      : undefined,
  );
  const params = route.params
    ? (parseInput(route.params, rawParams) as Record<string, string>)
    : rawParams;
  const input = early ?? parseInput(inputSchemaAt(route.input, deps.now()), raw);
  return { caller, input, params };
}
