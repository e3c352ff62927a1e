import { Sha256 } from './sha256';
import { toHex, type VerifierCrypto } from './verifierCrypto';

/**
 * The verifier's primitives in a browser (or a Web Worker): Ed25519 through WebCrypto, SHA-256
 * through sha256.ts (synchronous and incremental; see there why not crypto.subtle.digest).
 */

const PEM_PUBLIC_KEY = /^-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----\s*$/;

/** The DER bytes of an SPKI PEM, or undefined when the text is not one. */
export function spkiDer(publicKeyPem: string): Uint8Array<ArrayBuffer> | undefined {
  const body = PEM_PUBLIC_KEY.exec(publicKeyPem.trim())?.[1];
  if (!body) return undefined;
  try {
    return Uint8Array.from(atob(body.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** What a key is known by: SHA-256 of its SPKI DER, hex (`openssl pkey -pubin -outform DER | sha256sum`). */
export function keyFingerprint(publicKeyPem: string): string | undefined {
  const der = spkiDer(publicKeyPem);
  return der && toHex(new Sha256().update(der).digest());
}

export const webCrypto: VerifierCrypto = {
  sha256: () => new Sha256(),
  async ed25519Verifier(publicKeyPem) {
    const der = spkiDer(publicKeyPem);
    if (!der) return undefined;
    let key: Awaited<ReturnType<typeof crypto.subtle.importKey>>;
    try {
      key = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
    } catch {
      return undefined;
    }
    // Copies: WebCrypto's types take bytes over an ArrayBuffer, not any ArrayBufferLike.
    return (message, signature) =>
      crypto.subtle.verify('Ed25519', key, new Uint8Array(signature), new Uint8Array(message));
  },
};
