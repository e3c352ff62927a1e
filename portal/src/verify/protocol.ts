import type { Check } from '../../../functions/bundle/checks';

/** What the page sends the verify worker: everything it checks, as bytes (nothing is fetched there). */
export interface VerifyRequest {
  zip: ArrayBuffer;
  publicKeyPem: string;
  /** The previous bundle of the same account, when listed: its manifest.json is the chain link. */
  previousZip?: ArrayBuffer;
}

export interface VerifyOutcome {
  ok: boolean;
  checks: Check[];
}

export type VerifyMessage =
  { type: 'progress'; done: number; total: number } | ({ type: 'result' } & VerifyOutcome);

export type { Check };
