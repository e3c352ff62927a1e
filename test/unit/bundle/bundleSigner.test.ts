import { ed25519Signer } from '../../../functions/adapters/signer';
import { serializeManifest } from '../../../functions/bundle/builder';
import vectors from '../../fixtures/ed25519-rfc8032.json';
import manifestKat from '../../fixtures/manifest-signature-kat.json';
import { rfc8032Key, testSigner } from '../../support/bundleKeys';
import { opensslVerify } from '../../support/bundleZip';
import { manifestSchema } from '../../../functions/schema/bundle';
import { createHash } from 'node:crypto';

describe('Ed25519 manifest signer', () => {
  it.each([0, 1] as const)('reproduces RFC 8032 test vector %i', async (index) => {
    const v = vectors.vectors[index];
    const signature = await testSigner(index).sign(Buffer.from(v.messageHex, 'hex'));
    expect(signature.toString('hex')).toBe(v.signatureHex);
    const spki = Buffer.from(
      rfc8032Key(index).publicPem.replace(/-----[A-Z ]+-----|\s/g, ''),
      'base64',
    );
    expect(spki.subarray(-32).toString('hex')).toBe(v.publicKeyHex);
  });

  it('signs the pinned manifest to the pinned bytes, and openssl verifies them', async () => {
    const bytes = serializeManifest(manifestSchema.parse(manifestKat.manifest));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifestKat.manifestSha256);
    const signature = await testSigner(0).sign(bytes);
    expect(signature.toString('hex')).toBe(manifestKat.signatureHex);

    const out = opensslVerify(bytes, signature, rfc8032Key(0).publicPem);
    expect(out).toContain('Signature Verified Successfully');
  });

  it('refuses a key that is not Ed25519 without echoing it', () => {
    const { generateKeyPairSync } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => ed25519Signer(rsa, 'k')).toThrow('must be an Ed25519 key, got rsa');
    expect(() => ed25519Signer('not a pem', 'k')).toThrow(
      'SIGNING_PRIVATE_KEY is not a readable PKCS#8 PEM private key',
    );
  });
});
