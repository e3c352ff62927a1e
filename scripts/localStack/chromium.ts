/**
 * A real browser for the portal's tests and benchmarks: Debian's Chromium (`apt-get install
 * chromium`; .ci/run installs it) driven by playwright-core, which downloads no browser of its own.
 */
import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('No chromium on PATH: apt-get install -y chromium (or set CHROMIUM_PATH)');
  }
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}
