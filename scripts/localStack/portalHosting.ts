import * as fs from 'node:fs';
import * as path from 'node:path';

/** The part of firebase.json's `hosting` we touch. Everything else is copied through untouched. */
export interface HostingConfig {
  public?: string;
  headers?: { source: string; headers: { key: string; value: string }[] }[];
  [key: string]: unknown;
}

/** Where the portal learns of the Auth emulator (portal/src/runtime.ts reads it). */
export const PORTAL_RUNTIME_FILE = 'portal-runtime.json';

/**
 * Lets the page reach `origins` too: the Auth and Storage emulators are origins production does
 * not have (there, Storage's signed URLs are on https://storage.googleapis.com).
 */
function allowConnectTo(csp: string, origins: string[]): string {
  return csp.replace(
    /(^|;\s*)connect-src ([^;]*)/,
    (_all, lead, sources) => `${lead}connect-src ${sources} ${origins.join(' ')}`,
  );
}

/**
 * The stack's Hosting config: the built portal copied into the stack's own folder with a
 * runtime file naming this stack's Auth emulator, and the CSP's connect-src widened to the Auth
 * and Storage emulators' origins alone (the archives page fetches bundles from signed URLs).
 * Each stack gets its copy, so stacks with other ports never see each other's file, and the
 * build output stays as production serves it.
 */
export function stackHosting(
  projectDir: string,
  stackDir: string,
  hosting: HostingConfig,
  ports: { auth: number; storage: number },
): HostingConfig {
  const built = path.join(projectDir, hosting.public ?? 'public');
  if (!fs.existsSync(path.join(built, 'index.html'))) {
    throw new Error(`${path.relative(projectDir, built)}/index.html is missing: run npm run build`);
  }
  const served = path.join(stackDir, 'hosting');
  fs.rmSync(served, { recursive: true, force: true });
  fs.cpSync(built, served, { recursive: true });
  const authOrigin = `http://127.0.0.1:${ports.auth}`;
  const storageOrigin = `http://127.0.0.1:${ports.storage}`;
  fs.writeFileSync(
    path.join(served, PORTAL_RUNTIME_FILE),
    `${JSON.stringify({ authEmulatorUrl: authOrigin })}\n`,
  );
  const headers = hosting.headers?.map((rule) => ({
    ...rule,
    headers: rule.headers.map((h) =>
      h.key.toLowerCase() === 'content-security-policy'
        ? { ...h, value: allowConnectTo(h.value, [authOrigin, storageOrigin]) }
        : h,
    ),
  }));
  return {
    ...hosting,
    public: path.relative(projectDir, served),
    ...(headers ? { headers } : {}),
  };
}
