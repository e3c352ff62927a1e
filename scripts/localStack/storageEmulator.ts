/**
 * The firebase-tools Cloud Storage emulator, started inside this process.
 *
 * `firebase emulators:start --only storage` cannot run offline: it first downloads a rules-runtime
 * JAR. The server itself is plain JavaScript, so we construct it directly and swap its rules
 * runtime and rules manager for no-ops. Admin clients (@google-cloud/storage, firebase-admin) are
 * not subject to rules anyway; client-SDK requests are refused (no ruleset), which nothing here
 * uses. This reaches into unexported internals of firebase-tools, which is why it lives in this one
 * module and why package.json pins firebase-tools to ~14.27.0: re-check this file when upgrading.
 *
 * The stock emulator ignores upload preconditions (`ifGenerationMatch` appears nowhere in it), so a
 * second upload with `ifGenerationMatch: 0` would silently overwrite. Bundles rely on that
 * precondition, so this module adds it back: see `enforceUploadPreconditions`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as fs from 'node:fs';
import * as http from 'node:http';

/** The few members of firebase-tools' StorageEmulator we rely on. */
interface StorageEmulatorInternals {
  _rulesRuntime: { start(autoDownload?: boolean): Promise<void>; stop(): Promise<void> };
  _rulesManager: {
    start(): Promise<unknown>;
    stop(): Promise<void>;
    getRuleset(bucket: string): undefined;
  };
  storageLayer: StorageLayerInternals;
  adminStorageLayer: StorageLayerInternals;
  uploadService: { startResumableUpload(request: unknown): { id: string } };
  getPersistenceTmpDir(): string;
}

interface UploadInternals {
  id: string;
  bucketId: string;
  objectId: string;
}

interface StorageLayerInternals {
  createBucket(id: string): void;
  getMetadata(bucket: string, object: string): { generation: number } | undefined;
  uploadObject(upload: UploadInternals): Promise<unknown>;
}

/** An Express app as far as the emulator uses it: a request handler that can listen. */
type App = ((req: http.IncomingMessage, res: http.ServerResponse) => void) & {
  listen(port: number, host: string): http.Server;
};

interface StorageEmulatorArgs {
  projectId: string;
  host: string;
  port: number;
  rules: string;
  auto_download: boolean;
}

type StorageEmulatorClass = new (args: StorageEmulatorArgs) => StorageEmulatorInternals;

interface EmulatorRegistryStatic {
  start(instance: unknown): Promise<void>;
  stop(name: string): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped internals, see above
const { StorageEmulator } = require('firebase-tools/lib/emulator/storage') as {
  StorageEmulator: StorageEmulatorClass;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped internals, see above
const storageServer = require('firebase-tools/lib/emulator/storage/server') as {
  createApp(projectId: string, emulator: unknown): Promise<App>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped internals, see above
const { EmulatorRegistry } = require('firebase-tools/lib/emulator/registry') as {
  EmulatorRegistry: EmulatorRegistryStatic;
};

export interface RunningStorageEmulator {
  stop(): Promise<void>;
}

export interface StorageEmulatorOptions {
  projectId: string;
  port: number;
  /** Buckets to create up front (the emulator otherwise only knows the default bucket). */
  buckets: string[];
  /**
   * Where uploaded bytes are kept. The stock location is a fixed folder under the system temp
   * dir that `stop()` deletes wholesale, which would wipe a parallel stack's files.
   */
  blobDir: string;
}

const noop = async (): Promise<void> => undefined;

/** `ifGenerationMatch` / `ifGenerationNotMatch` of one upload (GCS JSON API query parameters). */
interface Preconditions {
  ifGenerationMatch?: number;
  ifGenerationNotMatch?: number;
}

/** The body GCS sends with a 412. */
const PRECONDITION_FAILED = {
  error: {
    code: 412,
    message: 'At least one of the pre-conditions you specified did not hold.',
    errors: [{ reason: 'conditionNotMet', message: 'Precondition Failed' }],
  },
};

/** What an upload request carries down into `uploadObject` (through AsyncLocalStorage). */
interface UploadContext {
  preconditions: Preconditions;
  res: http.ServerResponse;
}

function preconditionsFrom(url: URL): Preconditions {
  const read = (name: string): number | undefined => {
    const value = url.searchParams.get(name);
    return value === null || value === '' ? undefined : Number(value);
  };
  return {
    ifGenerationMatch: read('ifGenerationMatch'),
    ifGenerationNotMatch: read('ifGenerationNotMatch'),
  };
}

function preconditionFails(p: Preconditions, current: { generation: number } | undefined): boolean {
  const generation = current ? Number(current.generation) : 0;
  if (p.ifGenerationMatch !== undefined && p.ifGenerationMatch !== generation) return true;
  return p.ifGenerationNotMatch !== undefined && p.ifGenerationNotMatch === generation;
}

/**
 * Adds GCS upload preconditions to the emulator, race-free:
 * - every upload request runs inside an AsyncLocalStorage context holding its query's
 *   preconditions and its response (a resumable upload's preconditions, given when it starts, are
 *   remembered by upload id for the final PUT);
 * - `uploadObject`, where the emulator commits an object, is serialized per object name and
 *   checks the preconditions against the stored generation first. On failure it answers 412 the
 *   way GCS does and never commits; the emulator's own handler is left waiting, harmlessly, since
 *   it would turn any error other than "forbidden" into an unhandled rejection.
 */
function enforceUploadPreconditions(emulator: StorageEmulatorInternals): void {
  const context = new AsyncLocalStorage<UploadContext>();
  const byUploadId = new Map<string, Preconditions>();
  const locks = new Map<string, Promise<unknown>>();

  const originalCreateApp = storageServer.createApp;
  storageServer.createApp = async (projectId, instance) => {
    const app = await originalCreateApp(projectId, instance);
    if (instance !== emulator) return app;
    const wrapped = ((req: http.IncomingMessage, res: http.ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!url.pathname.startsWith('/upload/storage/v1/b/')) return app(req, res);
      context.run({ preconditions: preconditionsFrom(url), res }, () => app(req, res));
    }) as App;
    wrapped.listen = (port, host) => {
      const server = http.createServer(wrapped);
      // Node's default 5 s keep-alive equals the clients' idle-socket timeout, so a client could
      // start a large upload on a socket the server was just closing (EPIPE). Outliving the
      // clients' idle sockets leaves closing them to the clients, as GCS's front end does.
      server.keepAliveTimeout = 65_000;
      return server.listen(port, host);
    };
    return wrapped;
  };

  const startResumable = emulator.uploadService.startResumableUpload.bind(emulator.uploadService);
  emulator.uploadService.startResumableUpload = (request) => {
    const upload = startResumable(request);
    const store = context.getStore();
    if (store) byUploadId.set(upload.id, store.preconditions);
    return upload;
  };

  for (const layer of [emulator.adminStorageLayer, emulator.storageLayer]) {
    const uploadObject = layer.uploadObject.bind(layer);
    layer.uploadObject = (upload) => {
      const store = context.getStore();
      const preconditions = byUploadId.get(upload.id) ?? store?.preconditions ?? {};
      byUploadId.delete(upload.id);
      const key = `${upload.bucketId}/${upload.objectId}`;
      let outcome: Promise<unknown> = Promise.resolve();
      // The lock settles once this upload is committed or refused; `outcome` is what the
      // emulator's handler awaits (forever, when we answered 412 ourselves).
      const lock = (locks.get(key) ?? Promise.resolve()).then(() => {
        if (
          !preconditionFails(preconditions, layer.getMetadata(upload.bucketId, upload.objectId))
        ) {
          outcome = uploadObject(upload);
          return outcome.catch(() => undefined);
        }
        store?.res.writeHead(412, { 'content-type': 'application/json' });
        store?.res.end(JSON.stringify(PRECONDITION_FAILED));
        outcome = new Promise<never>(() => undefined);
        return undefined;
      });
      locks.set(key, lock);
      void lock.then(() => {
        if (locks.get(key) === lock) locks.delete(key);
      });
      return lock.then(() => outcome);
    };
  }
}

export async function startStorageEmulator(
  options: StorageEmulatorOptions,
): Promise<RunningStorageEmulator> {
  fs.mkdirSync(options.blobDir, { recursive: true });
  // The constructor reads the blob dir through this method, before we could set a field.
  class LocalStorageEmulator extends StorageEmulator {
    override getPersistenceTmpDir(): string {
      return options.blobDir;
    }
  }
  const emulator = new LocalStorageEmulator({
    projectId: options.projectId,
    host: '127.0.0.1',
    port: options.port,
    rules: '',
    auto_download: false,
  });
  emulator._rulesRuntime = { start: noop, stop: noop };
  emulator._rulesManager = { start: noop, stop: noop, getRuleset: () => undefined };
  enforceUploadPreconditions(emulator);
  await EmulatorRegistry.start(emulator);
  for (const bucket of options.buckets) emulator.storageLayer.createBucket(bucket);
  return {
    stop: () => EmulatorRegistry.stop('storage'),
  };
}
