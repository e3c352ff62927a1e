import * as fs from 'node:fs';
import * as path from 'node:path';
import { stackHosting, type HostingConfig } from './portalHosting';
import type { StackPorts } from './types';

/** The part of firebase.json we touch. Everything else is copied through untouched. */
interface FirebaseJson {
  functions?: { source?: string; configDir?: string }[] | { source?: string; configDir?: string };
  emulators?: Record<string, unknown>;
  hosting?: HostingConfig;
  [key: string]: unknown;
}

/** Files firebase-tools reads params from in the emulator, in its order of precedence. */
export const DOTENV_FILES = ['.env', '.env.demo-soc2', '.env.local'];

function formatDotenv(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => {
      if (/[\n\r]/.test(value)) {
        throw new Error(`${key}: multi-line values do not belong in .env.local`);
      }
      return `${key}=${JSON.stringify(value)}\n`;
    })
    .join('');
}

/**
 * Writes `firebase.stack-<offset>.json` (git-ignored) at the project root: firebase.json with
 * every emulator port shifted, so parallel stacks don't collide. It must sit at the root: firebase
 * resolves `source`, `public` and rules paths relative to the config file.
 *
 * It also points the functions' `configDir` at a per-stack folder holding a `.env.local` with the
 * values for the functions' params (see functionParams.ts): a shared root `.env.local` would be
 * overwritten by the other stacks running in parallel. The root's own dotenv files are copied in
 * first, so values someone put there still apply (the stack's own values come last and win).
 * Hosting serves the stack's own copy of the portal (portalHosting.ts).
 */
export function writeStackFirebaseConfig(
  projectDir: string,
  stackDir: string,
  offset: number,
  ports: StackPorts,
  functionParams: Record<string, string>,
): string {
  const base = JSON.parse(
    fs.readFileSync(path.join(projectDir, 'firebase.json'), 'utf8'),
  ) as FirebaseJson;

  const envDir = path.join(stackDir, 'functions-env');
  fs.rmSync(envDir, { recursive: true, force: true });
  fs.mkdirSync(envDir, { recursive: true });
  for (const file of DOTENV_FILES) {
    const from = path.join(projectDir, file);
    if (fs.existsSync(from) && file !== '.env.local')
      fs.copyFileSync(from, path.join(envDir, file));
  }
  const rootLocal = path.join(projectDir, '.env.local');
  const local = fs.existsSync(rootLocal) ? fs.readFileSync(rootLocal, 'utf8') : '';
  fs.writeFileSync(
    path.join(envDir, '.env.local'),
    `${local}${local && !local.endsWith('\n') ? '\n' : ''}# written by the local stack\n${formatDotenv(functionParams)}`,
  );

  const configDir = path.relative(projectDir, envDir);
  const functions = Array.isArray(base.functions)
    ? base.functions.map((f) => ({ ...f, configDir }))
    : base.functions
      ? { ...base.functions, configDir }
      : undefined;

  const emulators: Record<string, unknown> = {
    ...(base.emulators ?? {}),
    hub: { host: '127.0.0.1', port: ports.hub },
    logging: { host: '127.0.0.1', port: ports.logging },
    auth: { host: '127.0.0.1', port: ports.auth },
    firestore: {
      host: '127.0.0.1',
      port: ports.firestore,
      websocketPort: ports.firestoreWebsocket,
    },
    functions: { host: '127.0.0.1', port: ports.functions },
    hosting: { host: '127.0.0.1', port: ports.hosting },
    eventarc: { host: '127.0.0.1', port: ports.eventarc },
    tasks: { host: '127.0.0.1', port: ports.tasks },
    ui: { enabled: false },
    singleProjectMode: true,
  };

  const configPath = path.join(projectDir, `firebase.stack-${offset}.json`);
  const hosting = base.hosting && stackHosting(projectDir, stackDir, base.hosting, ports);
  fs.writeFileSync(
    configPath,
    `${JSON.stringify({ ...base, functions, emulators, ...(hosting ? { hosting } : {}) }, null, 2)}\n`,
  );
  return configPath;
}
