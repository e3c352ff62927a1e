import { createHash, createPublicKey, verify } from 'node:crypto';
import type { VerifierCrypto } from './verifierCrypto';

/** The verifier's primitives from node:crypto: native SHA-256 and Ed25519 (the CLI, the builder). */
export const nodeCrypto: VerifierCrypto = {
  sha256: () => createHash('sha256'),
  async ed25519Verifier(publicKeyPem) {
    let key;
    try {
      key = createPublicKey(publicKeyPem);
    } catch {
      return undefined;
    }
    return async (message, signature) => verify(null, message, key, signature);
  },
};
