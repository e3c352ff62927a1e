/**
 * Polls `probe` until it answers `true`. Any other answer (what it saw instead) or a thrown error is
 * kept, so that the timeout error names the last thing seen, not just "timed out".
 */
export async function pollUntilReady(
  probe: () => Promise<true | string>,
  options: { timeoutMs: number; intervalMs: number; timeoutMessage: (last: string) => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const answer = await probe();
      if (answer === true) return;
      last = answer;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  throw new Error(options.timeoutMessage(last));
}
