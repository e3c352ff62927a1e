import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';

/**
 * Signs bundle manifests. Ed25519 from a PKCS#8 PEM secret today; a Cloud KMS key can replace it
 * by implementing this interface (KMS `asymmetricSign` on an `EC_SIGN_ED25519` key returns the
 * same raw 64-byte signature, and `getPublicKey` returns the SPKI PEM) and returning it from
 * `signer` in functions/app/deps.ts — nothing else changes.
 */
export interface ManifestSigner {
  /** Written into every manifest; verifiers pick the public key by it. */
  readonly keyId: string;
  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
  publicKeyPem(): Promise<string>;
  /** Raw 64-byte Ed25519 signature over exactly these bytes (no pre-hash). */
  sign(bytes: Buffer): Promise<Buffer>;
}

/** `local-` + first 8 hex of SHA-256(SPKI DER): how the local stack names a throwaway key. */
export function keyIdFor(publicKey: KeyObject, prefix = 'local'): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `${prefix}-${createHash('sha256').update(der).digest('hex').slice(0, 8)}`;
}

export function ed25519Signer(privateKeyPem: string, keyId: string): ManifestSigner {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: privateKeyPem, format: 'pem' });
  } catch {
    // Never echo the PEM: the message names the problem, not the material.
    throw new Error('SIGNING_PRIVATE_KEY is not a readable PKCS#8 PEM private key');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`SIGNING_PRIVATE_KEY must be an Ed25519 key, got ${key.asymmetricKeyType}`);
  }
  if (!keyId) throw new Error('SIGNING_KEY_ID is empty');
  const publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  return {
    keyId,
    publicKeyPem: async () => publicPem,
    sign: async (bytes) => sign(null, bytes, key),
  };
}
