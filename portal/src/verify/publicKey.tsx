import { keyFingerprint } from '../../../functions/bundle/webCrypto';
import { fetchPublicKey, type PublicKey } from '../api';
import { Show, useLoad, type Loaded } from '../load';

/** The published signing key, loaded once per page. */
export const usePublicKey = (): Loaded<PublicKey> => useLoad('public-key', fetchPublicKey);

/** The key bundles are checked against, by id and fingerprint (SHA-256 of its SPKI DER, hex). */
export function PublicKeyFacts({ loaded }: { loaded: Loaded<PublicKey> }) {
  return (
    <Show loaded={loaded}>
      {(key) => (
        <dl class="public-key">
          <div>
            <dt>Published key</dt>
            <dd>
              {key.keyId} ({key.algorithm})
            </dd>
          </div>
          <div>
            <dt>Fingerprint (SHA-256 of the SPKI DER)</dt>
            <dd>
              <code>{keyFingerprint(key.publicKey) ?? 'not a PEM public key'}</code>
            </dd>
          </div>
        </dl>
      )}
    </Show>
  );
}
