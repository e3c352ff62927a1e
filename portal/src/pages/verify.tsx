import { useState } from 'preact/hooks';
import { PublishedKeyFacts, publishedKey } from '../verify/publicKey';
import { useVerification, VerificationReport } from '../verify/verifyPanel';

/**
 * `/verify`, no sign-in: a bundle file and optionally a PEM public key (the published one
 * otherwise), checked in this browser's Web Worker; nothing is uploaded.
 */
export function VerifyPage() {
  const [bundle, setBundle] = useState<File>();
  const [pem, setPem] = useState<File>();
  const [verification, start] = useVerification();
  const running = verification.state === 'running';

  const onSubmit = (event: Event) => {
    event.preventDefault();
    start(async () => {
      if (!bundle) throw new Error('choose a bundle (.zip) first');
      const publicKeyPem = pem ? await pem.text() : (await publishedKey()).publicKey;
      return { zip: await bundle.arrayBuffer(), publicKeyPem };
    });
  };
  const picked = (set: (file: File | undefined) => void) => (event: Event) =>
    set((event.currentTarget as HTMLInputElement).files?.[0]);

  return (
    <>
      <h1>Verify an evidence bundle</h1>
      <p>
        The bundle is checked here, in your browser: the SHA-256 of every file, the Ed25519
        signature over manifest.json, the Merkle root over the audit log and the period of every
        event. Nothing is uploaded.
      </p>
      <PublishedKeyFacts />
      <form class="verify-form" onSubmit={onSubmit}>
        <label>
          Bundle
          <input type="file" accept=".zip,application/zip" required onChange={picked(setBundle)} />
        </label>
        <label>
          Public key
          <input type="file" accept=".pem,text/plain" onChange={picked(setPem)} />
        </label>
        <p class="hint">Without a public key file, the published key above is used.</p>
        <button type="submit" disabled={running}>
          Verify
        </button>
      </form>
      <VerificationReport verification={verification} />
    </>
  );
}
