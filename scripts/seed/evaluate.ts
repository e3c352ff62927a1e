import { mintIdToken } from '../localStack/idTokens';
import type { SeedResult, StackEnv } from '../localStack/types';

/**
 * Evaluates each seeded account's controls once through the API, as the daily run would have, so
 * the compliance routes show results from the start (reading them never evaluates).
 */
export async function evaluateSeededAccounts(env: StackEnv, seeded: SeedResult): Promise<void> {
  for (const account of seeded.accounts) {
    const owner = seeded.users.find((u) => u.accountId === account.id && u.role === 'owner');
    if (!owner) continue;
    const token = await mintIdToken(env.FIREBASE_AUTH_EMULATOR_HOST, owner.uid);
    const answer = await fetch(`${env.EVIDENCE_API_URL}/compliance/evaluate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: account.id }),
    });
    // Accounts off the enterprise plan answer 403 and stay unevaluated, as in production.
    if (!answer.ok && answer.status !== 403) {
      console.error(`local stack: evaluating ${account.id} answered ${answer.status}`);
    }
  }
}
