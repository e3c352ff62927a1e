/**
 * The firebase-tools Cloud Storage emulator, started inside this process.
 *
 * `firebase emulators:start --only storage` cannot run offline: it first downloads a rules-runtime
 * JAR. The server itself is plain JavaScript, so we construct it directly and swap its rules
 * runtime and rules manager for no-ops. Admin clients (@google-cloud/storage, firebase-admin) are
 * not subject to rules anyway; client-SDK requests are refused (no ruleset), which nothing here
 * uses. This reaches into unexported internals of firebase-tools, which is why it lives in this one
 * module and why package.json pins firebase-tools to ~14.27.0: re-check this file when upgrading.
 */
import * as fs from 'node:fs';

/** The few members of firebase-tools' StorageEmulator we rely on. */
interface StorageEmulatorInternals {
  _rulesRuntime: { start(autoDownload?: boolean): Promise<void>; stop(): Promise<void> };
  _rulesManager: {
    start(): Promise<unknown>;
    stop(): Promise<void>;
    getRuleset(bucket: string): undefined;
  };
  storageLayer: { createBucket(id: string): void };
  getPersistenceTmpDir(): string;
}

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
  await EmulatorRegistry.start(emulator);
  for (const bucket of options.buckets) emulator.storageLayer.createBucket(bucket);
  return {
    stop: () => EmulatorRegistry.stop('storage'),
  };
}
