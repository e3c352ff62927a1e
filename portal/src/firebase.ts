import { initializeApp } from 'firebase/app';
import {
  connectAuthEmulator,
  indexedDBLocalPersistence,
  initializeAuth,
  type Auth,
} from 'firebase/auth';
import { loadRuntime } from './runtime';

/**
 * Firebase Auth for email and password. `initializeAuth` without a popup/redirect resolver keeps
 * the bundle small and loads no auth iframe; the ID token stays in Firebase's own persistence
 * (IndexedDB) and in memory, never in a URL.
 */
export async function startAuth(): Promise<Auth> {
  const [options, runtime] = await loadRuntime();
  const auth = initializeAuth(initializeApp(options), { persistence: indexedDBLocalPersistence });
  // disableWarnings: the emulator banner is an inline-styled element the CSP would refuse.
  if (runtime.authEmulatorUrl) {
    connectAuthEmulator(auth, runtime.authEmulatorUrl, { disableWarnings: true });
  }
  return auth;
}
