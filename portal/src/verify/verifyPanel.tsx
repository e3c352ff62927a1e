import { useState } from 'preact/hooks';
import { Fingerprint } from './publicKey';
import type { VerifyOutcome, VerifyRequest } from './protocol';
import { verifyInWorker } from './runVerify';

/** One verification's state on a page: idle, running (with progress), or its outcome. */
export type Verification =
  | { state: 'idle' }
  | { state: 'running'; done: number; total: number }
  | { state: 'done'; outcome: VerifyOutcome; publicKeyPem?: string };

/**
 * `start(prepare)` gathers the bytes (reading a file, fetching a download) and verifies them in
 * the worker; a failure to gather them is reported like a failed check, so the page always ends
 * with "Verified" or "Not verified: <reason>".
 */
export function useVerification(): [Verification, (prepare: () => Promise<VerifyRequest>) => void] {
  const [verification, setVerification] = useState<Verification>({ state: 'idle' });
  const start = (prepare: () => Promise<VerifyRequest>) => {
    setVerification({ state: 'running', done: 0, total: 0 });
    let publicKeyPem: string | undefined;
    void prepare()
      .then((request) => {
        publicKeyPem = request.publicKeyPem;
        return verifyInWorker(request, (done, total) =>
          setVerification({ state: 'running', done, total }),
        );
      })
      .catch((error: Error): VerifyOutcome => ({
        ok: false,
        checks: [{ name: 'input', ok: false, detail: error.message }],
      }))
      .then((outcome) => setVerification({ state: 'done', outcome, publicKeyPem }));
  };
  return [verification, start];
}

/** What the end line says: the first failed check is the reason. */
export function verdict(outcome: VerifyOutcome): string {
  const failed = outcome.checks.find((c) => !c.ok);
  if (outcome.ok && !failed) return 'Verified';
  return `Not verified: ${failed ? `${failed.name}: ${failed.detail}` : 'no check ran'}`;
}

/** Progress while running; then every check with pass or fail, and the verdict. */
export function VerificationReport({ verification }: { verification: Verification }) {
  if (verification.state === 'idle') return null;
  if (verification.state === 'running') {
    const { done, total } = verification;
    return (
      <p role="status">
        <label>
          Verifying…{' '}
          <progress max={total || 1} value={total ? done : undefined}>
            {total ? `${Math.round((100 * done) / total)}%` : ''}
          </progress>
        </label>
      </p>
    );
  }
  const { outcome, publicKeyPem } = verification;
  return (
    <section aria-label="Verification" class="verification">
      {publicKeyPem && (
        <dl class="public-key" aria-label="Key checked against">
          <Fingerprint pem={publicKeyPem} />
        </dl>
      )}
      <ul aria-label="Checks">
        {outcome.checks.map((check, i) => (
          <li key={i} class={check.ok ? 'check pass' : 'check fail'}>
            <strong>{check.ok ? 'pass' : 'FAIL'}</strong> {check.name}: {check.detail}
          </li>
        ))}
      </ul>
      <p role="status" class={outcome.ok ? 'verdict pass' : 'verdict fail'}>
        {verdict(outcome)}
      </p>
    </section>
  );
}
