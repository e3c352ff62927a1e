import {
  createHash,
  createPublicKey,
  verify as verifySignature,
  type KeyObject,
} from 'node:crypto';
import { BUNDLE_FILES, type Manifest } from '../schema/bundle';
import {
  auditLogChecks,
  chainCheck,
  crossFileChecks,
  expectationChecks,
  fileChecks,
  parseManifest,
  signatureChecks,
  zipChecks,
  type BundleContents,
  type Check,
  type Expectations,
} from './checks';
import { readBundleZip } from './zipReader';

/**
 * Offline verification of a bundle zip: everything an auditor needs is the zip, the public key
 * and, for the chain, the previous bundle's manifest.json. Each check reports what it found;
 * the bundle holds only when every check passes. The checks themselves are in checks.ts.
 */

export type { Check } from './checks';

export interface VerifyOptions extends Expectations {
  publicKeyPem: string;
  /** Bytes of the previous bundle's manifest.json, to check the chain. */
  previousManifest?: Buffer;
}

export interface VerifyResult {
  ok: boolean;
  checks: Check[];
  manifest?: Manifest;
  manifestBytes?: Buffer;
  manifestSha256?: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function readPublicKey(pem: string): KeyObject | undefined {
  try {
    return createPublicKey(pem);
  } catch {
    return undefined;
  }
}

export async function verifyBundle(zipPath: string, options: VerifyOptions): Promise<VerifyResult> {
  const checks: Check[] = [];
  /** Records `found`; false when one failed, so the checks after it have nothing to stand on. */
  const hold = (found: Check[]) => (checks.push(...found), found.every((c) => c.ok));
  const failed = (): VerifyResult => ({ ok: false, checks });

  const publicKey = readPublicKey(options.publicKeyPem);
  if (!publicKey) {
    hold([
      { name: 'public key', ok: false, detail: 'the public key is not a readable PEM (SPKI) key' },
    ]);
    return failed();
  }
  let contents: BundleContents;
  try {
    contents = await readBundleZip(zipPath);
  } catch (error) {
    hold([
      { name: 'zip', ok: false, detail: `the zip cannot be read: ${(error as Error).message}` },
    ]);
    return failed();
  }
  if (!hold(zipChecks(contents))) return failed();
  const verifies = (message: Uint8Array, signature: Uint8Array) =>
    verifySignature(null, message, publicKey, signature);
  if (!hold(signatureChecks(contents, verifies))) return failed();
  const manifestBytes = Buffer.from(contents.whole.get(BUNDLE_FILES.manifest)!);
  const { manifest, checks: parsed } = parseManifest(manifestBytes);
  if (!hold(parsed) || !manifest) return failed();

  const previous = options.previousManifest;
  hold([
    ...expectationChecks(manifest, options),
    ...fileChecks(manifest, contents),
    ...auditLogChecks(manifest, contents),
    ...crossFileChecks(manifest, contents.whole),
    chainCheck(manifest, previous && { bytes: previous, sha256: sha256(previous) }),
  ]);
  return {
    ok: checks.every((c) => c.ok),
    checks,
    manifest,
    manifestBytes,
    manifestSha256: sha256(manifestBytes),
  };
}
