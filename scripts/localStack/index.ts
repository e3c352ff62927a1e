/**
 * The local stack: everything `npm start` and `npm run stack` run, in one place.
 *
 *   redis-server ─ Upstash REST adapter          (in this process)
 *   Storage emulator                             (in this process)
 *   firebase emulators: auth, firestore, functions (+ Cloud Tasks), hosting   (child process)
 *
 * `startStack()` resolves once all of it answers, with the env a command needs to use it.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManagedChild, killByEnvMarker } from './children';
import { DOTENV_FILES, writeStackFirebaseConfig } from './firebaseConfig';
import { chooseFirestoreEmulator } from './firestoreJar';
import { discoverParams, paramValues, rootDotenvKeys } from './functionParams';
import { portOffsetFromEnv, shiftedPorts } from './ports';
import { functionsMainFile, preflight } from './preflight';
import { startRedisServer } from './redisServer';
import { pollUntilReady } from './poll';
import { generateThrowawaySigningKey } from './signingKey';
import { startStorageEmulator } from './storageEmulator';
import type { StackEnv, StackPorts } from './types';
import { startUpstashRestAdapter } from './upstashRestAdapter';

export type { SeedDemo, SeedResult, StackEnv, StackPorts } from './types';

export const PROJECT_ID = 'demo-soc2';
export const EVIDENCE_BUCKET = 'demo-soc2-evidence';
const FUNCTION_REGION = 'us-central1';
const FIREBASE_READY_TIMEOUT_MS = 180_000;
const API_READY_TIMEOUT_MS = 60_000;
/**
 * Output that means the start failed, so we stop waiting at once. The param prompt is the Functions
 * emulator asking for a `defineString` value on a terminal it does not have: it would wait forever.
 * Not a bare "Error:": the emulator logs harmless ones while starting (e.g. Secret Manager being
 * unreachable before it falls back to the environment), and fatal ones make it exit anyway.
 */
const FIREBASE_FAILURES =
  /Failed to load function definition from source[^\n]*|Could not start [^\n]*|Enter an? \w+ value for [^\n]*/;

export interface StackOptions {
  projectDir: string;
  /** Send emulator chatter to `.stack/<offset>/emulators.log` only. */
  quiet: boolean;
  /** Progress lines (not emulator output). */
  log?: (line: string) => void;
}

export interface RunningStack {
  env: StackEnv;
  ports: StackPorts;
  offset: number;
  /** The public half of the throwaway signing key (SPKI PEM). */
  signingPublicKeyPem: string;
  /** `.stack/<offset>/emulators.log`. */
  emulatorLog: string;
  /** Called once if a child (firebase, redis) dies while the stack is up. */
  onUnexpectedExit(callback: (what: string, code: number | null) => void): void;
  /** Last lines of the emulators' output, for error reports. */
  emulatorTail(lines?: number): string;
  /** Stops everything; safe to call more than once. */
  stop(): Promise<void>;
}

/** Undo steps, run newest first, so a failed start leaves nothing behind. */
class Teardown {
  private readonly steps: { what: string; run: () => Promise<void> | void }[] = [];
  private done: Promise<void> | undefined;

  add(what: string, run: () => Promise<void> | void): void {
    this.steps.push({ what, run });
  }

  run(): Promise<void> {
    this.done ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          console.error(`local stack: stopping ${step.what} failed: ${(error as Error).message}`);
        }
      }
    })();
    return this.done;
  }
}

function buildEnv(
  ports: StackPorts,
  signingKey: { privateKeyPem: string; keyId: string },
  token: string,
): StackEnv {
  return {
    FIRESTORE_EMULATOR_HOST: `127.0.0.1:${ports.firestore}`,
    FIREBASE_AUTH_EMULATOR_HOST: `127.0.0.1:${ports.auth}`,
    STORAGE_EMULATOR_HOST: `http://127.0.0.1:${ports.storage}`,
    FIREBASE_STORAGE_EMULATOR_HOST: `127.0.0.1:${ports.storage}`,
    GCLOUD_PROJECT: PROJECT_ID,
    EVIDENCE_API_URL: `http://127.0.0.1:${ports.hosting}/api`,
    FUNCTIONS_EMULATOR_URL: `http://127.0.0.1:${ports.functions}/${PROJECT_ID}/${FUNCTION_REGION}/api`,
    UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${ports.upstash}`,
    UPSTASH_REDIS_REST_TOKEN: token,
    SIGNING_PRIVATE_KEY: signingKey.privateKeyPem,
    SIGNING_KEY_ID: signingKey.keyId,
    EVIDENCE_BUCKET,
    REDIS_PORT: String(ports.redis),
    CLOUD_TASKS_EMULATOR_HOST: `127.0.0.1:${ports.tasks}`,
  };
}

/** Polls until the hub lists the emulators we asked for. */
function waitForHub(hubPort: number, timeoutMs: number): Promise<void> {
  return pollUntilReady(
    async () => {
      const response = await fetch(`http://127.0.0.1:${hubPort}/emulators`);
      const running = Object.keys((await response.json()) as Record<string, unknown>);
      // firebase-tools starts `tasks` (the Cloud Tasks emulator) with functions, unasked.
      const wanted = ['auth', 'firestore', 'functions', 'hosting', 'tasks'];
      return wanted.every((name) => running.includes(name)) || `hub lists ${running.join(', ')}`;
    },
    {
      timeoutMs,
      intervalMs: 250,
      timeoutMessage: (last) =>
        `The emulator hub on port ${hubPort} did not list every emulator (${last})`,
    },
  );
}

/**
 * The functions are served once the Hosting rewrite stops answering 404/503 ("function not
 * found" / still loading). Any other status, even a 500, means the `api` function ran. The same
 * request warms the worker up, so the first test does not pay for the cold start.
 */
function waitForApi(apiUrl: string, timeoutMs: number): Promise<void> {
  return pollUntilReady(
    async () => {
      const response = await fetch(`${apiUrl}/health`);
      if (response.status !== 404 && response.status !== 503) return true;
      return `${response.status} ${(await response.text()).slice(0, 200)}`;
    },
    {
      timeoutMs,
      intervalMs: 500,
      timeoutMessage: (last) =>
        `${apiUrl}/health never reached the api function (last answer: ${last})`,
    },
  );
}

/** Remembers children that died, so a caller subscribing after the death still hears of it. */
class ExitWatch {
  private readonly listeners: ((what: string, code: number | null) => void)[] = [];
  private readonly deaths: { what: string; code: number | null }[] = [];

  childDied(what: string, code: number | null): void {
    this.deaths.push({ what, code });
    this.listeners.forEach((listener) => listener(what, code));
  }

  subscribe(callback: (what: string, code: number | null) => void): void {
    this.listeners.push(callback);
    this.deaths.forEach(({ what, code }) => callback(what, code));
  }
}

/** What every start step needs: where things go, what they listen on, and how to undo them. */
interface StackStart {
  projectDir: string;
  quiet: boolean;
  log: (line: string) => void;
  offset: number;
  ports: StackPorts;
  env: StackEnv;
  /** `.stack/<offset>`: config and logs, kept after the stack stops. */
  stackDir: string;
  /** Per stack, removed at stop: firebase-tools' TMPDIR, redis' dir, storage blobs. */
  tmpDir: string;
  emulatorLog: string;
  teardown: Teardown;
  exits: ExitWatch;
}

function makeStackDirs(
  projectDir: string,
  offset: number,
  teardown: Teardown,
): { stackDir: string; tmpDir: string } {
  const stackDir = path.join(projectDir, '.stack', String(offset));
  fs.mkdirSync(stackDir, { recursive: true });
  // The emulators' debug logs of the previous run here (hundreds of MB after a benchmark).
  for (const log of ['firebase-debug.log', 'firestore-debug.log']) {
    fs.rmSync(path.join(stackDir, log), { force: true });
  }
  // Short and per stack: firebase-tools keeps its hub locator file and worker sockets in TMPDIR,
  // and two stacks sharing one would see each other.
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), `soc2-stack-${offset}-`));
  teardown.add('temp dir', () => fs.rmSync(tmpDir, { recursive: true, force: true }));
  // Runs after firebase has stopped: whatever it left (a JVM, a worker) carries this TMPDIR.
  teardown.add('leftover emulator processes', () => {
    killByEnvMarker(`TMPDIR=${tmpDir}`);
  });
  return { stackDir, tmpDir };
}

/**
 * Ctrl-C or SIGTERM while starting: undo what has started, then leave. (Once started, the caller
 * owns the signals.) Children run in their own process groups, so the terminal's Ctrl-C only
 * reaches us, and we stop them in order. Returns the function that hands the signals back.
 */
function stopOnSignalWhileStarting(teardown: Teardown, log: (line: string) => void): () => void {
  const abortStart = (signal: NodeJS.Signals): void => {
    log(`local stack: ${signal} while starting; stopping what has started…`);
    void teardown.run().then(() => process.exit(130));
  };
  process.once('SIGINT', abortStart);
  process.once('SIGTERM', abortStart);
  return () => {
    process.off('SIGINT', abortStart);
    process.off('SIGTERM', abortStart);
  };
}

/** Before anything starts: a param without a value would hang the Functions emulator. */
function functionParamValues(projectDir: string, env: StackEnv): Record<string, string> {
  return paramValues(
    discoverParams(projectDir, functionsMainFile(projectDir)),
    {
      EVIDENCE_BUCKET: env.EVIDENCE_BUCKET,
      UPSTASH_REDIS_REST_URL: env.UPSTASH_REDIS_REST_URL,
      SIGNING_KEY_ID: env.SIGNING_KEY_ID,
    },
    rootDotenvKeys(projectDir, DOTENV_FILES),
  );
}

/** redis-server with the Upstash REST adapter in front, and the Storage emulator. */
async function startRedisAndStorage(start: StackStart): Promise<void> {
  const { ports, teardown } = start;
  const redis = await startRedisServer({
    port: ports.redis,
    workDir: start.tmpDir,
    logFile: path.join(start.stackDir, 'redis.log'),
    projectDir: start.projectDir,
  });
  teardown.add('redis-server', () => redis.stop(5_000, 'SIGTERM'));
  redis.onUnexpectedExit((code) => start.exits.childDied('redis-server', code));

  const adapter = await startUpstashRestAdapter({
    port: ports.upstash,
    token: start.env.UPSTASH_REDIS_REST_TOKEN,
    redisPort: ports.redis,
  });
  teardown.add('Upstash REST adapter', () => adapter.stop());

  const storage = await startStorageEmulator({
    projectId: PROJECT_ID,
    port: ports.storage,
    buckets: [EVIDENCE_BUCKET],
    blobDir: path.join(start.tmpDir, 'storage'),
  });
  teardown.add('Storage emulator', () => storage.stop());
  start.log(
    `local stack: redis ${ports.redis}, Upstash REST ${ports.upstash}, storage ${ports.storage}`,
  );
}

/** Writes the stack's firebase config and spawns `firebase emulators:start` (not yet waited for). */
function spawnFirebaseEmulators(
  start: StackStart,
  functionParams: Record<string, string>,
): ManagedChild {
  const { projectDir, stackDir } = start;
  const firestore = chooseFirestoreEmulator(projectDir, path.join(projectDir, '.stack'));
  start.log(`local stack: Firestore emulator: ${firestore.description}`);
  const configPath = writeStackFirebaseConfig(
    projectDir,
    stackDir,
    start.offset,
    start.ports,
    functionParams,
  );
  start.teardown.add('stack config', () => fs.rmSync(configPath, { force: true }));

  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...start.env, TMPDIR: start.tmpDir };
  // firebase-tools sets these itself for the emulators it runs; inherited values would only
  // confuse it (and could point at another stack).
  delete childEnv.FIRESTORE_EMULATOR_HOST;
  delete childEnv.FIREBASE_AUTH_EMULATOR_HOST;
  delete childEnv.CLOUD_TASKS_EMULATOR_HOST;
  if (firestore.binaryPath) childEnv.FIRESTORE_EMULATOR_BINARY_PATH = firestore.binaryPath;
  // The Functions emulator starts a worker process per concurrent request and gives up on one
  // that is not serving within this many seconds (default 30), leaving its request unanswered;
  // on a busy 2-core machine loading the functions alone can take that long.
  childEnv.FUNCTIONS_DISCOVERY_TIMEOUT ??= '120';

  start.log(
    `local stack: starting the Firebase emulators (output: ${path.relative(projectDir, start.emulatorLog)})`,
  );
  const firebase = new ManagedChild(
    'firebase emulators',
    path.join(projectDir, 'node_modules', '.bin', 'firebase'),
    [
      '--non-interactive',
      'emulators:start',
      '--only',
      'auth,firestore,functions,hosting',
      '--project',
      PROJECT_ID,
      '--config',
      configPath,
    ],
    // Run from the stack's own folder: firebase-tools and the Firestore emulator write their
    // debug logs (a line per request and per trigger event) to the working directory, and the
    // Functions emulator watches the project root for source changes, re-reading the whole
    // root on every write there: at the project root the logs kept one core busy under load.
    // Paths in the config resolve against the config file, not the working directory.
    { env: childEnv, cwd: stackDir, logFile: start.emulatorLog, echo: !start.quiet },
  );
  start.teardown.add('Firebase emulators', () => firebase.stop(15_000));
  return firebase;
}

/** Ready means: firebase says so, the hub lists every emulator, and the api function answers. */
async function waitUntilServing(firebase: ManagedChild, start: StackStart): Promise<void> {
  await firebase.waitFor(/All emulators ready/, FIREBASE_READY_TIMEOUT_MS, FIREBASE_FAILURES);
  await waitForHub(start.ports.hub, 10_000);
  await waitForApi(start.env.EVIDENCE_API_URL, API_READY_TIMEOUT_MS);
  firebase.onUnexpectedExit((code) => start.exits.childDied('firebase emulators', code));
}

/** The error a failed start ends in: the cause, a hint for the param prompt, the emulators' tail. */
function startFailure(
  error: unknown,
  firebase: ManagedChild | undefined,
  emulatorLog: string,
): Error {
  const message = (error as Error).message;
  const tail = firebase ? `\n--- last lines of ${emulatorLog} ---\n${firebase.tail(30)}` : '';
  const hint = /Enter an? \w+ value for/.test(message)
    ? '\nThe Functions emulator is prompting for a param value (see functionParams.ts).'
    : '';
  return new Error(`The local stack did not start: ${message}${hint}${tail}`);
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  const offset = portOffsetFromEnv();
  const ports = shiftedPorts(offset);
  await preflight(options.projectDir, ports, offset);

  const teardown = new Teardown();
  const dirs = makeStackDirs(options.projectDir, offset, teardown);
  const releaseSignals = stopOnSignalWhileStarting(teardown, log);
  const signingKey = generateThrowawaySigningKey();
  const env = buildEnv(ports, signingKey, `local-${randomBytes(16).toString('hex')}`);
  const start: StackStart = {
    projectDir: options.projectDir,
    quiet: options.quiet,
    log,
    offset,
    ports,
    env,
    ...dirs,
    emulatorLog: path.join(dirs.stackDir, 'emulators.log'),
    teardown,
    exits: new ExitWatch(),
  };
  let firebase: ManagedChild | undefined;
  try {
    const functionParams = functionParamValues(options.projectDir, env);
    await startRedisAndStorage(start);
    firebase = spawnFirebaseEmulators(start, functionParams);
    await waitUntilServing(firebase, start);
  } catch (error) {
    releaseSignals();
    const failure = startFailure(error, firebase, start.emulatorLog);
    await teardown.run();
    throw failure;
  }
  releaseSignals();
  log(
    `local stack: ready in ${((Date.now() - started) / 1000).toFixed(1)} s (port offset ${offset})`,
  );
  const firebaseChild = firebase;
  return {
    env,
    ports,
    offset,
    signingPublicKeyPem: signingKey.publicKeyPem,
    emulatorLog: start.emulatorLog,
    onUnexpectedExit: (callback) => start.exits.subscribe(callback),
    emulatorTail: (lines) => firebaseChild.tail(lines),
    stop: () => teardown.run(),
  };
}
