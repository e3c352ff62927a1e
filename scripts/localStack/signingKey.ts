import { createHash, generateKeyPairSync } from 'node:crypto';

export interface ThrowawaySigningKey {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
  /** `local-<first 8 hex of sha256(spki der)>`: a local key can never pass for a real one. */
  keyId: string;
}

/** A fresh Ed25519 key pair per stack start. It lives in memory and env vars only, never on disk. */
export function generateThrowawaySigningKey(): ThrowawaySigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: `local-${createHash('sha256').update(spki).digest('hex').slice(0, 8)}`,
  };
}
