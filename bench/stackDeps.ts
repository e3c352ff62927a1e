import { upstashCache } from '../functions/adapters/cache';
import { auth, firestore } from '../functions/adapters/firebase';
import { ed25519Signer } from '../functions/adapters/signer';
import { gcsEvidenceStore } from '../functions/adapters/storage';
import type { Deps } from '../functions/app/deps';
import type { StackEnv } from '../scripts/localStack/types';

/** The Deps a benchmark uses in-process, on the running local stack's Firestore, Redis and Storage. */
export function stackDeps(env = process.env as unknown as StackEnv): Deps {
  return {
    db: firestore(),
    auth: auth(),
    now: () => new Date(),
    cache: upstashCache({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN }),
    evidenceStore: () => gcsEvidenceStore(env.EVIDENCE_BUCKET),
    signer: () => ed25519Signer(env.SIGNING_PRIVATE_KEY, env.SIGNING_KEY_ID),
  } as Deps;
}
