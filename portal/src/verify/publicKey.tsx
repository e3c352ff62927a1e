import { keyFingerprint } from '../../../functions/bundle/webCrypto';
import { fetchPublicKey, type PublicKey } from '../api';
import { Show, useLoad } from '../load';

let published: Promise<PublicKey> | undefined;

/** The published signing key, fetched once per page load (again after a failure). */
export function publishedKey(): Promise<PublicKey> {
  published ??= fetchPublicKey().catch((error: Error) => {
    published = undefined;
    throw error;
  });
  return published;
}

/** A key's fingerprint as people compare it: SHA-256 of its SPKI DER, hex. */
export function Fingerprint({ pem }: { pem: string }) {
  return (
    <div>
      <dt>Fingerprint (SHA-256 of the SPKI DER)</dt>
      <dd>
        <code>{keyFingerprint(pem) ?? 'not a PEM public key'}</code>
      </dd>
    </div>
  );
}

/** The published key by id and fingerprint, loaded when shown. */
export function PublishedKeyFacts() {
  const loaded = useLoad('published-key', publishedKey);
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
          <Fingerprint pem={key.publicKey} />
        </dl>
      )}
    </Show>
  );
}
