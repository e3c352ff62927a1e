import type { Account } from '../schema/documents';
import type { Role } from './roles';

/** Who an authorized request acts as: the member, their role in the account, and the account. */
export interface Caller {
  uid: string;
  email?: string;
  accountId: string;
  role: Role;
  level: number;
  account: Account;
}
