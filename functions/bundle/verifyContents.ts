import { BUNDLE_FILES, type Manifest } from '../schema/manifest';
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
import { sha256Hex, type VerifierCrypto } from './verifierCrypto';

/**
 * Offline verification of a bundle, the same in Node (verify.ts, the CLI) and in the browser (the
 * portal's Web Worker): everything an auditor needs is the zip, the public key and, for the
 * chain, the previous bundle's manifest.json. Each check reports what it found; the bundle holds
 * only when every check passes. Only the zip reader and the crypto primitives differ per platform.
 */

export type { Check } from './checks';

export interface VerifyOptions extends Expectations {
  publicKeyPem: string;
  /** Bytes of the previous bundle's manifest.json, to check the chain. */
  previousManifest?: Uint8Array;
}

export interface VerifyResult {
  ok: boolean;
  checks: Check[];
  manifest?: Manifest;
  manifestBytes?: Uint8Array;
  manifestSha256?: string;
}

/** Reads the zip for the checks; throws when it cannot be read at all. */
export type BundleReader = () => Promise<BundleContents>;

export async function verifyBundleContents(
  read: BundleReader,
  options: VerifyOptions,
  crypto: VerifierCrypto,
): Promise<VerifyResult> {
  const checks: Check[] = [];
  /** Records `found`; false when one failed, so the checks after it have nothing to stand on. */
  const hold = (found: Check[]) => (checks.push(...found), found.every((c) => c.ok));
  const failed = (): VerifyResult => ({ ok: false, checks });

  const verifies = await crypto.ed25519Verifier(options.publicKeyPem);
  if (!verifies) {
    hold([
      { name: 'public key', ok: false, detail: 'the public key is not a readable PEM (SPKI) key' },
    ]);
    return failed();
  }
  let contents: BundleContents;
  try {
    contents = await read();
  } catch (error) {
    hold([
      { name: 'zip', ok: false, detail: `the zip cannot be read: ${(error as Error).message}` },
    ]);
    return failed();
  }
  if (!hold(zipChecks(contents))) return failed();
  if (!hold(await signatureChecks(contents, verifies))) return failed();
  const manifestBytes = contents.whole.get(BUNDLE_FILES.manifest)!;
  const { manifest, checks: parsed } = parseManifest(manifestBytes);
  if (!hold(parsed) || !manifest) return failed();

  const previous = options.previousManifest;
  hold([
    ...expectationChecks(manifest, options),
    ...fileChecks(manifest, contents),
    ...auditLogChecks(manifest, contents),
    ...crossFileChecks(manifest, contents.whole),
    chainCheck(
      manifest,
      previous && { bytes: previous, sha256: sha256Hex(crypto.sha256, previous) },
    ),
  ]);
  return {
    ok: checks.every((c) => c.ok),
    checks,
    manifest,
    manifestBytes,
    manifestSha256: sha256Hex(crypto.sha256, manifestBytes),
  };
}
