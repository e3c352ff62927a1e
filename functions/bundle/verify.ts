import { nodeCrypto } from './nodeCrypto';
import { verifyBundleContents, type VerifyOptions, type VerifyResult } from './verifyContents';
import { readBundleZip } from './zipReader';

/**
 * Offline verification of a bundle zip file in Node (the CLI, the archiver's recovery path): the
 * shared verifier (verifyContents.ts) with the yauzl reader and node:crypto.
 */

export type { Check, VerifyOptions, VerifyResult } from './verifyContents';

export function verifyBundle(zipPath: string, options: VerifyOptions): Promise<VerifyResult> {
  return verifyBundleContents(() => readBundleZip(zipPath), options, nodeCrypto);
}
