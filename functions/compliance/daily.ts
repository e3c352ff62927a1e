import * as logger from 'firebase-functions/logger';
import type { Deps } from '../app/deps';
import { parseDocument } from '../schema/common';
import { CONTROL_TEST_STATUSES, type ControlTestStatus } from '../schema/compliance';
import { accountSchema } from '../schema/documents';
import { accountPath } from '../schema/paths';
import type { ControlTestConfig } from './controlTests';
import { evaluateAccountControls } from './evaluation';

/**
 * The daily run of every enterprise account's control tests, so automatic findings open and close
 * (and each day gets its results for the quarterly bundle) even when nobody calls the API.
 */

/** Accounts evaluated at once: each one builds a report, so the run's reads stay bounded. */
export const DAILY_EVALUATION_CONCURRENCY = 4;

export interface DailyEvaluationResult {
  evaluated: number;
  /** Accounts whose evaluation threw; tomorrow's run (or any status call) evaluates them again. */
  failed: { accountId: string; error: string }[];
  /** Control results of the evaluated accounts, per status. */
  statuses: Record<ControlTestStatus, number>;
}

/** Evaluates one account's controls; null when the account is not (or no longer) enterprise. */
export async function evaluateAccount(deps: Deps, accountId: string, config: ControlTestConfig) {
  const path = accountPath(accountId);
  const account = parseDocument(accountSchema, path, (await deps.db.doc(path).get()).data());
  if (!account.ok) throw account.error;
  if (account.value.plan !== 'enterprise') return null;
  return evaluateAccountControls(deps, accountId, account.value.createdAt, config);
}

/**
 * Evaluates each account of `accounts`, a few at a time. One account's failure is logged with its
 * id and counted; it never stops the others.
 */
export async function evaluateAccountsDaily(
  deps: Deps,
  accounts: AsyncIterable<string>,
  config: ControlTestConfig,
): Promise<DailyEvaluationResult> {
  const outcome: DailyEvaluationResult = {
    evaluated: 0,
    failed: [],
    statuses: Object.fromEntries(CONTROL_TEST_STATUSES.map((s) => [s, 0])) as Record<
      ControlTestStatus,
      number
    >,
  };
  const settle = async (accountId: string) => {
    try {
      const evaluation = await evaluateAccount(deps, accountId, config);
      if (!evaluation) return;
      outcome.evaluated++;
      for (const result of evaluation.results) outcome.statuses[result.status]++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error('daily control evaluation failed for an account', { accountId, error: message });
      outcome.failed.push({ accountId, error: message });
    }
  };
  const running = new Set<Promise<void>>();
  for await (const accountId of accounts) {
    const task: Promise<void> = settle(accountId).finally(() => running.delete(task));
    running.add(task);
    if (running.size >= DAILY_EVALUATION_CONCURRENCY) await Promise.race(running);
  }
  await Promise.all(running);
  return outcome;
}
