import { getApps, initializeApp, type App } from 'firebase-admin/app';
import { getAuth, type Auth } from 'firebase-admin/auth';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';

/**
 * The service account firebase-admin names on tasks queued to the Cloud Tasks emulator. Without it
 * the SDK asks the GCE metadata server for the default account before every enqueue, waits about
 * 2.5 s for it to time out off Google Cloud, and only then falls back to this same name (it caches
 * a found account, never a failure); in production the metadata server answers at once.
 */
const EMULATED_TASKS_SERVICE_ACCOUNT = 'emulated-service-acct@email.com';

/** One admin app per process; emulator hosts come from the standard environment variables. */
export function adminApp(): App {
  const options = process.env.CLOUD_TASKS_EMULATOR_HOST
    ? { serviceAccountId: EMULATED_TASKS_SERVICE_ACCOUNT }
    : undefined;
  return getApps()[0] ?? initializeApp(options);
}

export function firestore(): Firestore {
  return getFirestore(adminApp());
}

export function auth(): Auth {
  return getAuth(adminApp());
}
