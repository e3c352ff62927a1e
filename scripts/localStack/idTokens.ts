/**
 * Firebase ID tokens from the Auth emulator, for `npm start`'s banner and for tests:
 *
 *   import { mintIdToken } from '../../scripts/localStack/idTokens';
 *   const token = await mintIdToken(process.env.FIREBASE_AUTH_EMULATOR_HOST!, uid);
 *   afterAll(closeIdTokenApp); // or jest waits on its open connections
 *
 * The admin SDK makes a custom token (unsigned in emulator mode) and the emulator's REST API
 * exchanges it for an ID token, as a client app would. The user is created if it does not exist.
 */
import { deleteApp, getApps, initializeApp, type App } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';

const APP_NAME = 'local-stack-id-tokens';

function adminApp(projectId: string): App {
  return getApps().find((app) => app.name === APP_NAME) ?? initializeApp({ projectId }, APP_NAME);
}

/**
 * @param authHost the Auth emulator, `host:port` (FIREBASE_AUTH_EMULATOR_HOST)
 * @param claims optional custom claims baked into the token
 */
export async function mintIdToken(
  authHost: string,
  uid: string,
  claims?: Record<string, unknown>,
): Promise<string> {
  // The admin SDK only mints emulator (unsigned) custom tokens when this variable is set, and it
  // reads it when the Auth instance is created; a different value would mint for another emulator.
  const current = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  if (current === undefined) process.env.FIREBASE_AUTH_EMULATOR_HOST = authHost;
  else if (current !== authHost) {
    throw new Error(
      `mintIdToken: FIREBASE_AUTH_EMULATOR_HOST is ${current}, but the token was asked of ${authHost}`,
    );
  }
  const projectId = process.env.GCLOUD_PROJECT ?? 'demo-soc2';
  const customToken = await getAuth(adminApp(projectId)).createCustomToken(uid, claims);
  const response = await fetch(
    `http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=fake-api-key`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: customToken, returnSecureToken: true }),
    },
  );
  const body = (await response.json()) as { idToken?: string; error?: { message?: string } };
  if (!response.ok || !body.idToken) {
    throw new Error(
      `Auth emulator at ${authHost} refused the custom token for ${uid}: ` +
        `${response.status} ${body.error?.message ?? JSON.stringify(body)}`,
    );
  }
  return body.idToken;
}

/** Deletes the admin app mintIdToken uses, so a test process can exit. Safe to call repeatedly. */
export async function closeIdTokenApp(): Promise<void> {
  const app = getApps().find((candidate) => candidate.name === APP_NAME);
  if (app) await deleteApp(app);
}
