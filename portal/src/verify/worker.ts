import { BUNDLE_FILES } from '../../../functions/schema/manifest';
import { verifyBundleContents } from '../../../functions/bundle/verifyContents';
import { webCrypto } from '../../../functions/bundle/webCrypto';
import { readBundleBytes, readWholeEntry } from './bundleZip';
import type { VerifyMessage, VerifyRequest } from './protocol';

/**
 * The bundle verifier in a Web Worker: a 100,000-event bundle inflates, hashes and Merkle-folds
 * here while the page stays responsive, and only progress and the checks go back.
 */

const scope = self as unknown as {
  onmessage: (event: MessageEvent<VerifyRequest>) => void;
  postMessage: (message: VerifyMessage) => void;
};

/** Progress at most every 50 ms: enough for a smooth bar, few enough messages. */
const PROGRESS_EVERY_MS = 50;

async function verify(request: VerifyRequest): Promise<VerifyMessage> {
  let last = 0;
  const progress = (done: number, total: number) => {
    const now = performance.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    scope.postMessage({ type: 'progress', done, total });
  };
  let previousManifest: Uint8Array | undefined;
  if (request.previousZip) {
    try {
      previousManifest = await readWholeEntry(
        new Uint8Array(request.previousZip),
        BUNDLE_FILES.manifest,
      );
    } catch (error) {
      const detail = `the previous bundle's manifest.json cannot be read: ${(error as Error).message}`;
      return { type: 'result', ok: false, checks: [{ name: 'chain', ok: false, detail }] };
    }
  }
  const result = await verifyBundleContents(
    () => readBundleBytes(new Uint8Array(request.zip), webCrypto.sha256, progress),
    { publicKeyPem: request.publicKeyPem, previousManifest },
    webCrypto,
  );
  return { type: 'result', ok: result.ok, checks: result.checks };
}

scope.onmessage = (event) => {
  void verify(event.data).then(scope.postMessage, (error: Error) =>
    scope.postMessage({
      type: 'result',
      ok: false,
      checks: [{ name: 'verifier', ok: false, detail: error.message }],
    }),
  );
};
