import { mintIdToken } from '../localStack/idTokens';
import type { SeedResult, StackEnv } from '../localStack/types';

/**
 * Evaluates each seeded account's controls once through the API, as the daily run would have, so
 * the compliance routes show results from the start (reading them never evaluates).
 */
export async function evaluateSeededAccounts(env: StackEnv, seeded: SeedResult): Promise<void> {
  for (const account of seeded.accounts) {
    const answer = await askAsOwner(env, seeded, account.id, 'POST', '/compliance/evaluate');
    // Accounts off the enterprise plan answer 403 and stay unevaluated, as in production.
    if (answer && !answer.ok && answer.status !== 403) {
      console.error(`local stack: evaluating ${account.id} answered ${answer.status}`);
    }
  }
}

/**
 * Calls the API as the account's owner (a fresh token each call: the demo's waits may outlast
 * one); the account id goes in the body (POST) or the query (GET). Undefined when it has none.
 */
export async function askAsOwner(
  env: StackEnv,
  seeded: SeedResult,
  accountId: string,
  method: 'GET' | 'POST',
  route: string,
  body: Record<string, unknown> = {},
): Promise<Response | undefined> {
  const owner = seeded.users.find((u) => u.accountId === accountId && u.role === 'owner');
  if (!owner) return undefined;
  const token = await mintIdToken(env.FIREBASE_AUTH_EMULATOR_HOST, owner.uid);
  const url = new URL(`${env.EVIDENCE_API_URL}${route}`);
  if (method === 'GET') url.searchParams.set('accountId', accountId);
  return fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    },
    body: method === 'POST' ? JSON.stringify({ accountId, ...body }) : undefined,
  });
}
