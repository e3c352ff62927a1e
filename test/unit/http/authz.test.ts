import type { DecodedIdToken } from 'firebase-admin/auth';
import { ApiError } from '../../../functions/domain/errors';
import { authorizeRoute } from '../../../functions/http/authz';
import { runRoute, signedInRoute } from '../../../functions/http/router';
import { accountOnlyQuerySchema } from '../../../functions/schema/api';
import { accountPath, subcollectionPath } from '../../../functions/schema/paths';
import { documentsReader, unitDeps } from '../../support/deps';

const ACCOUNT = 'acme';
const CREATED = new Date('2025-01-01T00:00:00Z');
const VALID_TOKEN = 'valid.id.token';

const decoded = (uid: string): DecodedIdToken => ({
  uid,
  sub: uid,
  email: `${uid}@acme.example`,
  aud: 'demo-project',
  iss: 'https://securetoken.google.com/demo-project',
  auth_time: 0,
  iat: 0,
  exp: 0,
  firebase: { identities: {}, sign_in_provider: 'password' },
});

const memberPath = (uid: string) => `${subcollectionPath(ACCOUNT, 'members')}/${uid}`;
const member = (role: string) => ({ email: 'm@acme.example', displayName: 'M', role });

/** An enterprise account with an owner and a viewer; Auth accepts one token, for `uid`. */
function depsFor(uid: string, plan = 'enterprise') {
  return unitDeps({
    now: () => new Date('2026-12-01T00:00:00Z'),
    auth: {
      verifyIdToken: async (token) => {
        if (token !== VALID_TOKEN)
          throw Object.assign(new Error('bad'), { code: 'auth/argument-error' });
        return decoded(uid);
      },
    },
    db: documentsReader({
      [accountPath(ACCOUNT)]: { name: 'Acme', plan, createdAt: CREATED },
      [memberPath('owner-uid')]: member('owner'),
      [memberPath('viewer-uid')]: member('viewer'),
    }),
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

const authorize = (
  deps: ReturnType<typeof depsFor>,
  headers: Record<string, string>,
  input: unknown,
) =>
  authorizeRoute(
    deps,
    {
      method: 'GET',
      path: '/x',
      headers,
      query: input as Record<string, unknown>,
      body: undefined,
    },
    {},
    {
      access: { permission: 'audit:read' },
      input: { in: 'query', schema: accountOnlyQuerySchema },
    },
  );

describe('authorizeRoute order: token (401), then input (400), then account (403)', () => {
  it('no token is 401 even when the input is invalid and the caller no member', async () => {
    const error = await rejection(authorize(depsFor('stranger'), {}, { accountId: 'a/b' }));
    expect([error.status, error.code]).toEqual([401, 'unauthenticated']);
  });

  it('a rejected token is 401 even when the input is invalid', async () => {
    const error = await rejection(
      authorize(depsFor('owner-uid'), bearer('forged.token'), { accountId: 'a/b' }),
    );
    expect([error.status, error.code, error.message]).toEqual([
      401,
      'unauthenticated',
      'The ID token is invalid.',
    ]);
  });

  it('a revoked token is 401 though its membership was read beside the revocation check', async () => {
    const reads: string[] = [];
    const base = depsFor('owner-uid');
    const deps = unitDeps({
      now: base.now,
      auth: {
        verifyIdToken: async (_token, checkRevoked) => {
          if (checkRevoked)
            throw Object.assign(new Error('revoked'), { code: 'auth/id-token-revoked' });
          return decoded('owner-uid');
        },
      },
      db: {
        doc: base.db.doc.bind(base.db),
        getAll: (async (...refs: { path: string; get(): Promise<unknown> }[]) => {
          reads.push(...refs.map((ref) => ref.path));
          return Promise.all(refs.map((ref) => ref.get()));
        }) as unknown as typeof base.db.getAll,
      },
    });
    const error = await rejection(authorize(deps, bearer(VALID_TOKEN), { accountId: ACCOUNT }));
    expect([error.status, error.message]).toEqual([401, 'The ID token has been revoked.']);
    expect(reads).toEqual([accountPath(ACCOUNT), memberPath('owner-uid')]);
  });

  it('a token whose signature fails costs no membership read', async () => {
    const base = depsFor('owner-uid');
    let reads = 0;
    const deps = unitDeps({
      now: base.now,
      auth: { verifyIdToken: base.auth.verifyIdToken.bind(base.auth) },
      db: {
        doc: base.db.doc.bind(base.db),
        getAll: (async () => {
          reads++;
          return [];
        }) as unknown as typeof base.db.getAll,
      },
    });
    const error = await rejection(authorize(deps, bearer('forged.token'), { accountId: ACCOUNT }));
    expect(error.status).toBe(401);
    expect(reads).toBe(0);
  });

  it('with a valid token, invalid input is 400 before membership is looked at', async () => {
    const error = await rejection(
      authorize(depsFor('stranger'), bearer(VALID_TOKEN), { accountId: 'a/b' }),
    );
    expect([error.status, error.code]).toEqual([400, 'invalid_argument']);
  });

  it('with a valid token and input, a non-member is 403', async () => {
    const error = await rejection(
      authorize(depsFor('stranger'), bearer(VALID_TOKEN), { accountId: ACCOUNT }),
    );
    expect([error.status, error.code]).toEqual([403, 'permission_denied']);
  });

  it('a member whose role lacks the permission is 403', async () => {
    const error = await rejection(
      authorize(depsFor('viewer-uid'), bearer(VALID_TOKEN), { accountId: ACCOUNT }),
    );
    expect([error.status, error.message]).toEqual([
      403,
      'Role viewer lacks the audit:read permission.',
    ]);
  });

  it('a member of an account without the enterprise plan is 403 plan_required', async () => {
    const error = await rejection(
      authorize(depsFor('owner-uid', 'pro'), bearer(VALID_TOKEN), { accountId: ACCOUNT }),
    );
    expect([error.status, error.code]).toEqual([403, 'plan_required']);
  });

  it('an authorized member gets the caller and the parsed input', async () => {
    const { caller, input } = await authorize(depsFor('owner-uid'), bearer(VALID_TOKEN), {
      accountId: ACCOUNT,
    });
    expect(input).toEqual({ accountId: ACCOUNT });
    expect(caller).toEqual({
      uid: 'owner-uid',
      email: 'owner-uid@acme.example',
      accountId: ACCOUNT,
      role: 'owner',
      level: 100,
      account: { name: 'Acme', plan: 'enterprise', createdAt: CREATED },
    });
  });
});

describe('a signed-in route (no account)', () => {
  const handled: DecodedIdToken[] = [];
  const accounts = signedInRoute({
    method: 'GET',
    path: '/accounts',
    doc: { summary: 'accounts', responses: { 200: { description: 'JSON.' } } },
    handle: async ({ token }) => {
      handled.push(token);
      return { body: { uid: token.uid } };
    },
  });
  const run = (headers: Record<string, string>, query: Record<string, unknown> = {}) =>
    runRoute(accounts, {
      req: { method: 'GET', path: '/accounts', query, headers, body: undefined },
      params: {},
      deps: depsFor('viewer-uid'),
    });

  it('is 401 without a valid ID token, before the handler runs, whatever the query', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong.token' }];
    for (const headers of attempts) {
      await expect(run(headers, { accountId: ['a', 'b'] })).rejects.toMatchObject({
        status: 401,
      });
    }
    expect(handled).toEqual([]);
  });

  it('hands the verified token to the handler', async () => {
    const answer = await run({ authorization: `Bearer ${VALID_TOKEN}` });
    expect(answer.body).toEqual({ uid: 'viewer-uid' });
  });
});
