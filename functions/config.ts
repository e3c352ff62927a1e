import { defineSecret, defineString } from 'firebase-functions/params';

/**
 * Deployment parameters. `.value()` is read only at run time (inside handlers), never at module
 * load, so `firebase deploy` can analyse the code without them.
 */
export const params = {
  /** Cloud Storage bucket that holds the signed quarterly bundles. */
  evidenceBucket: defineString('EVIDENCE_BUCKET', {
    description: 'Bucket for signed evidence bundles (put a retention policy on it).',
  }),
  upstashUrl: defineString('UPSTASH_REDIS_REST_URL', {
    description: 'Upstash Redis REST URL used as the 5-minute report cache.',
  }),
  upstashToken: defineSecret('UPSTASH_REDIS_REST_TOKEN'),
  /** Ed25519 private key (PKCS#8 PEM) that signs bundle manifests. */
  signingPrivateKey: defineSecret('SIGNING_PRIVATE_KEY'),
  signingKeyId: defineString('SIGNING_KEY_ID', {
    description: 'Identifier of the signing key, written into every manifest.',
  }),
} as const;

/** Secrets the HTTPS API binds (it signs on-demand bundles and reads the cache). */
export const apiSecrets = [params.upstashToken, params.signingPrivateKey];

/** Secrets the evidence-cache invalidation triggers bind (they only touch the cache). */
export const cacheSecrets = [params.upstashToken];

/**
 * The task queue that builds report jobs and bundles (functions/index.ts declares it under this
 * name; the API and the quarterly schedule enqueue to it). A build that fails for a reason a
 * retry can fix is retried with backoff; the job is marked failed on the last attempt.
 */
export const REPORT_QUEUE = {
  functionName: 'buildReportJob',
  /** firebase-functions' default region, where functions/index.ts deploys. */
  region: 'us-central1',
  retryConfig: { maxAttempts: 8, minBackoffSeconds: 60, maxBackoffSeconds: 3600 },
  maxConcurrentDispatches: 4,
  /** Also each task's dispatch deadline (Cloud Tasks' maximum): the queue must wait as long. */
  timeoutSeconds: 1800,
} as const;
