import type { VerifyMessage, VerifyOutcome, VerifyRequest } from './protocol';

/** Runs one verification in a fresh Web Worker (worker.ts), reporting progress as it goes. */
export function verifyInWorker(
  request: VerifyRequest,
  onProgress: (done: number, total: number) => void,
): Promise<VerifyOutcome> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  return new Promise<VerifyOutcome>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<VerifyMessage>) => {
      const message = event.data;
      if (message.type === 'progress') onProgress(message.done, message.total);
      else resolve({ ok: message.ok, checks: message.checks });
    };
    worker.onerror = (event) => reject(new Error(event.message || 'the verifier failed to start'));
    const transfer = [request.zip, ...(request.previousZip ? [request.previousZip] : [])];
    worker.postMessage(request, transfer);
  }).finally(() => worker.terminate());
}
