/**
 * The hashing and signature primitives the bundle checks need, injected so that one verifier
 * (checks.ts, verifyContents.ts, merkle.ts) runs in Node and in the browser: Node passes
 * nodeCrypto.ts (node:crypto), the portal webCrypto.ts (WebCrypto and sha256.ts).
 */

/** An incremental hash: `update` any number of times, then `digest` once. */
export interface IncrementalHash {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}

export type HashFactory = () => IncrementalHash;

/** Whether `signature` is a valid Ed25519 signature over `message` with the key imported before. */
export type SignatureVerifier = (message: Uint8Array, signature: Uint8Array) => Promise<boolean>;

export interface VerifierCrypto {
  sha256: HashFactory;
  /** The verifier for an SPKI PEM Ed25519 public key; undefined when the PEM is not one. */
  ed25519Verifier(publicKeyPem: string): Promise<SignatureVerifier | undefined>;
}

export const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export const sha256Hex = (hash: HashFactory, bytes: Uint8Array): string => {
  const h = hash();
  h.update(bytes);
  return toHex(h.digest());
};
