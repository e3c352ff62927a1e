import type { IncomingHttpHeaders } from 'node:http';
import type { DecodedIdToken } from 'firebase-admin/auth';
import type { z } from 'zod';
import * as logger from 'firebase-functions/logger';
import type { Deps } from '../app/deps';
import { permissionDenied, planRequired, unauthenticated } from '../domain/errors';
import type { Caller } from '../domain/caller';
import { can, levelOf, type Permission } from '../domain/roles';
import { parseDocument, parseInput } from '../schema/common';
import { accountSchema, memberSchema } from '../schema/documents';
import { accountDocPath, accountPath } from '../schema/paths';

const BEARER = /^Bearer ([A-Za-z0-9._-]+)$/;

/** Verifies the Firebase ID token; expired, malformed and revoked tokens are all 401. */
export async function authenticate(
  deps: Deps,
  headers: IncomingHttpHeaders,
): Promise<DecodedIdToken> {
  const header = headers.authorization;
  const token = typeof header === 'string' ? BEARER.exec(header.trim())?.[1] : undefined;
  if (!token) throw unauthenticated('Send Authorization: Bearer <Firebase ID token>.');
  try {
    return await deps.auth.verifyIdToken(token, true);
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

/**
 * Decides whether the caller may use `permission` in `accountId`, reading the member document at
 * request time (no stale claims). Runs before any cached or evidence data is touched.
 */
export async function authorizeAccount(
  deps: Deps,
  token: DecodedIdToken,
  accountId: string,
  permission: Permission,
): Promise<Caller> {
  const [accountSnap, memberSnap] = await Promise.all([
    deps.db.doc(accountPath(accountId)).get(),
    deps.db.doc(accountDocPath(accountId, 'members', token.uid)).get(),
  ]);
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

/**
 * The order every account route follows: the token (401), then the input (400), then membership,
 * plan and permission in the account the input names (403). Evidence and cache come after.
 */
export async function authorizeRequest<S extends z.ZodType<{ accountId: string }>>(
  deps: Deps,
  headers: IncomingHttpHeaders,
  schema: S,
  input: unknown,
  permission: Permission,
): Promise<{ caller: Caller; input: z.output<S> }> {
  const token = await authenticate(deps, headers);
  const parsed = parseInput(schema, input);
  const caller = await authorizeAccount(deps, token, parsed.accountId, permission);
  return { caller, input: parsed };
}
