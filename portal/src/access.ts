/**
 * What the caller's role allows, only to decide which forms to show: the API checks every read
 * and write itself. The role levels come from the server's own module (plain data, no imports),
 * so the portal cannot drift from the API's threshold.
 */
import { COMPLIANCE_WRITE_LEVEL, levelOf } from '../../functions/domain/roles';
import type { AccountEntry } from './api';

/** Whether the caller's role in the account may create and update findings and incidents. */
export function canWriteCompliance(accounts: AccountEntry[], accountId: string): boolean {
  const entry = accounts.find((a) => a.accountId === accountId);
  return entry !== undefined && levelOf(entry.role) >= COMPLIANCE_WRITE_LEVEL;
}
