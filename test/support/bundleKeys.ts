import { createPrivateKey, createPublicKey } from 'node:crypto';
import { ed25519Signer, type ManifestSigner } from '../../functions/adapters/signer';
import vectors from '../fixtures/ed25519-rfc8032.json';

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A known key (RFC 8032 test vector) as the PEM pair the signer and verifier take. */
export function rfc8032Key(index: 0 | 1): { privatePem: string; publicPem: string } {
  const seed = Buffer.from(vectors.vectors[index].secretKeyHex, 'hex');
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return {
    privatePem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function testSigner(index: 0 | 1 = 0, keyId = `rfc8032-test-${index + 1}`): ManifestSigner {
  return ed25519Signer(rfc8032Key(index).privatePem, keyId);
}
