/**
 * What the caller's role allows, only to decide which forms to show: the API checks every read
 * and write itself. The role levels come from the server's own module (plain data, no imports),
 * so the portal cannot drift from the API's threshold.
 */
import {
  ACCESS_REVIEW_CREATE_LEVEL,
  ACCESS_REVIEW_DECIDE_LEVEL,
  COMPLIANCE_WRITE_LEVEL,
  levelOf,
} from '../../functions/domain/roles';
import type { AccountEntry } from './api';

/** Whether the caller's role in the account may create and update findings and incidents. */
export function canWriteCompliance(accounts: AccountEntry[], accountId: string): boolean {
  const entry = accounts.find((a) => a.accountId === accountId);
  return entry !== undefined && levelOf(entry.role) >= COMPLIANCE_WRITE_LEVEL;
}

/** The caller's level in the account; 0 when not a member. */
function levelIn(accounts: AccountEntry[], accountId: string): number {
  const entry = accounts.find((a) => a.accountId === accountId);
  return entry === undefined ? 0 : levelOf(entry.role);
}

/** What the caller may do in access reviews: start and sign off (80), decide (60). */
export function accessReviewRights(accounts: AccountEntry[], accountId: string) {
  const level = levelIn(accounts, accountId);
  return {
    start: level >= ACCESS_REVIEW_CREATE_LEVEL,
    decide: level >= ACCESS_REVIEW_DECIDE_LEVEL,
  };
}
