import type { Auth } from 'firebase-admin/auth';
import type { Firestore } from 'firebase-admin/firestore';
import { upstashCache, type EvidenceCache } from '../adapters/cache';
import { auth, firestore } from '../adapters/firebase';
import { ed25519Signer, type ManifestSigner } from '../adapters/signer';
import { gcsEvidenceStore, type EvidenceStore } from '../adapters/storage';
import { cloudTaskQueue, type TaskQueue } from '../adapters/taskQueue';
import { params, REPORT_QUEUE } from '../config';

/**
 * Everything a handler needs from the outside world, passed in so domain code and tests can
 * substitute a clock or a failing client (fault injection) while the rest stays real.
 */
export interface Deps {
  db: Firestore;
  auth: Auth;
  now: () => Date;
  /** The 5-minute evidence cache (Upstash Redis); its calls are time-bounded and never throw. */
  cache: EvidenceCache;
  /** The bundle bucket; a function so code that never archives never reads its params. */
  evidenceStore: () => EvidenceStore;
  /** Signs bundle manifests (Ed25519 secret today; a Cloud KMS signer plugs in here). */
  signer: () => ManifestSigner;
  /** The queue that builds report jobs and bundles off the request path. */
  reportQueue: () => TaskQueue;
}

/** Builds on first call and keeps the result. */
function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

let cached: Deps | undefined;

/** Production dependencies, built on first use (params are only readable at run time). */
export function defaultDeps(): Deps {
  cached ??= {
    db: firestore(),
    auth: auth(),
    now: () => new Date(),
    cache: upstashCache({ url: params.upstashUrl.value(), token: params.upstashToken.value() }),
    evidenceStore: lazy(() => gcsEvidenceStore(params.evidenceBucket.value())),
    signer: lazy(() =>
      ed25519Signer(params.signingPrivateKey.value(), params.signingKeyId.value()),
    ),
    reportQueue: lazy(() => cloudTaskQueue(REPORT_QUEUE.functionName, REPORT_QUEUE.region)),
  };
  return cached;
}
