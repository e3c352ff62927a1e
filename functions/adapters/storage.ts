import { generateKeyPairSync } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Storage, type File } from '@google-cloud/storage';

/**
 * The one bucket that holds evidence bundles. Objects are written once (`ifGenerationMatch: 0`)
 * and never overwritten; the bucket's retention policy / lock (see README) keeps them.
 */
export interface EvidenceStore {
  readonly bucket: string;
  /**
   * Streams `source` into a new object, only if `objectPath` does not exist yet. The object
   * appears only when the upload completes: a failed source or an aborted upload leaves nothing
   * behind. An existing object fails it with {@link ObjectExistsError}; a dropped connection or
   * an overloaded Storage with {@link StorageUnavailableError}.
   */
  writeOnce(objectPath: string, contentType: string, source: Readable): Promise<void>;
  /** Size and generation, or undefined when there is no such object. */
  stat(objectPath: string): Promise<{ size: number; generation: string } | undefined>;
  createReadStream(objectPath: string): Readable;
  /** V4 signed GET URL. */
  signedDownloadUrl(objectPath: string, expiresAt: Date, downloadName: string): Promise<string>;
}

export class ObjectExistsError extends Error {
  constructor(readonly objectPath: string) {
    super(`object ${objectPath} already exists`);
    this.name = 'ObjectExistsError';
  }
}

/**
 * The connection to Storage broke or Storage answered that it is overloaded: the same write may
 * succeed when tried again with a fresh source.
 */
export class StorageUnavailableError extends Error {
  constructor(
    readonly objectPath: string,
    readonly reason: string,
  ) {
    super(`storage did not take ${objectPath}: ${reason}`);
    this.name = 'StorageUnavailableError';
  }
}

const TRANSPORT_ERROR_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
]);
const OVERLOAD_STATUSES = new Set([429, 500, 502, 503, 504]);

/** A dropped connection or an overload answer, anywhere along the error's `cause` chain. */
function transportFailure(error: unknown): string | undefined {
  for (let e = error as Record<string, unknown> | null; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && TRANSPORT_ERROR_CODES.has(e.code)) return e.code;
    for (const status of [e.code, e.status]) {
      if (typeof status === 'number' && OVERLOAD_STATUSES.has(status)) return `HTTP ${status}`;
    }
  }
  return undefined;
}

/** HTTP 412 from GCS: the `ifGenerationMatch: 0` precondition found an object. */
function isPreconditionFailure(error: unknown): boolean {
  const e = error as { code?: unknown; status?: unknown } | null;
  return e?.code === 412 || e?.status === 412;
}

/**
 * The emulator accepts any signature, but the library still needs service-account-style
 * credentials to sign offline. A throwaway key generated per process keeps production untouched:
 * this branch is taken only when STORAGE_EMULATOR_HOST is set.
 */
function emulatorStorage(): Storage {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return new Storage({
    credentials: {
      client_email: 'emulator-signer@demo-soc2.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  });
}

export function gcsEvidenceStore(bucketName: string, env = process.env): EvidenceStore {
  if (!bucketName) throw new Error('EVIDENCE_BUCKET is empty');
  // In production the runtime service account signs URLs through IAM signBlob (it needs
  // roles/iam.serviceAccountTokenCreator on itself); no key file is ever deployed.
  const storage = env.STORAGE_EMULATOR_HOST ? emulatorStorage() : new Storage();
  const bucket = storage.bucket(bucketName);
  const file = (objectPath: string): File => bucket.file(objectPath);
  return {
    bucket: bucketName,
    async writeOnce(objectPath, contentType, source) {
      const target = file(objectPath).createWriteStream({
        // One streamed request: a failing source aborts it and nothing is stored. A resumable
        // session would keep probing the upload in the background after the abort; a failed
        // bundle is rebuilt by the task's retry instead of resumed.
        resumable: false,
        contentType,
        validation: 'crc32c',
        preconditionOpts: { ifGenerationMatch: 0 },
      });
      try {
        await pipeline(source, target);
      } catch (error) {
        if (isPreconditionFailure(error)) throw new ObjectExistsError(objectPath);
        const transport = transportFailure(error);
        if (transport) throw new StorageUnavailableError(objectPath, transport);
        throw error;
      }
    },
    async stat(objectPath) {
      const [exists] = await file(objectPath).exists();
      if (!exists) return undefined;
      const [metadata] = await file(objectPath).getMetadata();
      return { size: Number(metadata.size), generation: String(metadata.generation) };
    },
    createReadStream: (objectPath) => file(objectPath).createReadStream({ validation: false }),
    async signedDownloadUrl(objectPath, expiresAt, downloadName) {
      const [url] = await file(objectPath).getSignedUrl({
        version: 'v4',
        action: 'read',
        expires: expiresAt,
        responseDisposition: `attachment; filename="${downloadName}"`,
      });
      return url;
    },
  };
}
