import type { Auth } from 'firebase-admin/auth';
import type { Firestore } from 'firebase-admin/firestore';
import { auth, firestore } from '../adapters/firebase';

/**
 * Everything a handler needs from the outside world, passed in so domain code and tests can
 * substitute a clock or a failing client (fault injection) while the rest stays real.
 */
export interface Deps {
  db: Firestore;
  auth: Auth;
  now: () => Date;
}

let cached: Deps | undefined;

/** Production dependencies, built on first use (params are only readable at run time). */
export function defaultDeps(): Deps {
  cached ??= { db: firestore(), auth: auth(), now: () => new Date() };
  return cached;
}
