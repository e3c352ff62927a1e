/**
 * Jest setup for the `emulator` project: these tests need the local stack, which `npm test` starts
 * once around the whole run. Run directly (`npx jest`), they would talk to nothing and fail in
 * confusing ways, so fail at once with the fix instead. Never skip: a skipped suite hides a gap.
 */
const REQUIRED = [
  'FIRESTORE_EMULATOR_HOST',
  'FIREBASE_AUTH_EMULATOR_HOST',
  'STORAGE_EMULATOR_HOST',
  'GCLOUD_PROJECT',
  'EVIDENCE_API_URL',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
] as const;

const missing = REQUIRED.filter((name) => !process.env[name]);
if (missing.length > 0) {
  throw new Error(
    `emulator tests run inside the stack: use npm test ` +
      `(or npm run stack -- npx jest --selectProjects emulator). Missing: ${missing.join(', ')}`,
  );
}
