import { deleteApp, getApps } from 'firebase-admin/app';

/**
 * Registered in the test file's own module registry, so it sees the same firebase-admin instance
 * (and apps) as the tests; emulatorEnvironment.js calls it at teardown.
 */
(globalThis as { __releaseFirebaseApps?: () => Promise<void> }).__releaseFirebaseApps =
  async () => {
    await Promise.all(getApps().map((app) => deleteApp(app)));
  };
