/**
 * What the app learns at run time, without inline script: the Firebase web config from Hosting's
 * reserved `/__/firebase/init.json` (production Hosting and the Hosting emulator both serve it),
 * and from `/portal-runtime.json` where the Auth emulator is (`{}` in the build; the local stack
 * writes its own copy).
 */
import type { FirebaseOptions } from 'firebase/app';

export interface PortalRuntime {
  /** e.g. `http://127.0.0.1:9099`; absent in production. */
  authEmulatorUrl?: string;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export const loadRuntime = () =>
  Promise.all([
    getJson<FirebaseOptions>('/__/firebase/init.json'),
    getJson<PortalRuntime>('/portal-runtime.json'),
  ]);
