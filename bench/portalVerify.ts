/**
 * In-browser verification time on the portal's /verify page (Debian's Chromium through Hosting),
 * for synthetic bundles of 10,000 and 100,000 events built and signed with the stack's key by
 * the real builder, and whether the page stayed responsive meanwhile: the longest gap between
 * animation frames and the long tasks (> 50 ms) the main thread ran while the Web Worker worked.
 * Prints numbers; asserts nothing.
 *
 *   npm run bench -- --only portalVerify [--sizes 10000,100000]
 */
import { createWriteStream, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Page } from 'playwright-core';
import { ed25519Signer } from '../functions/adapters/signer';
import { launchChromium } from '../scripts/localStack/chromium';
import { synthetic, syntheticBundle } from './syntheticBundle';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}

async function buildZip(count: number, dir: string): Promise<string> {
  const signer = ed25519Signer(
    process.env.SIGNING_PRIVATE_KEY ?? '',
    process.env.SIGNING_KEY_ID ?? '',
  );
  const path = join(dir, `bundle-${count}.zip`);
  const { stream, done } = syntheticBundle({
    accountId: `bench-verify-${count}`,
    events: synthetic(count),
    signer,
  });
  await Promise.all([pipeline(stream, createWriteStream(path)), done]);
  return path;
}

/** What the page keeps while watching (the bench's code runs in the page, whose types it lacks). */
interface Watch {
  benchGaps: number[];
  benchLong: number[];
  benchRun: boolean;
  requestAnimationFrame(callback: (now: number) => void): void;
}

/** Starts recording frame gaps and long tasks in the page (through DevTools, not the app's CSP). */
const startWatching = (page: Page) =>
  page.evaluate(() => {
    const w = globalThis as unknown as Watch;
    w.benchGaps = [];
    w.benchLong = [];
    w.benchRun = true;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.benchLong.push(entry.duration);
    }).observe({ type: 'longtask' as 'mark' });
    let last = performance.now();
    const frame = (now: number) => {
      w.benchGaps.push(now - last);
      last = now;
      if (w.benchRun) w.requestAnimationFrame(frame);
    };
    w.requestAnimationFrame(frame);
  });

const stopWatching = (page: Page) =>
  page.evaluate(() => {
    const w = globalThis as unknown as Watch;
    w.benchRun = false;
    return {
      maxFrameGapMs: Math.round(Math.max(0, ...w.benchGaps)),
      frames: w.benchGaps.length,
      longTasks: w.benchLong.length,
      longestTaskMs: Math.round(Math.max(0, ...w.benchLong)),
    };
  });

async function verifyOnce(page: Page, origin: string, zip: string) {
  // Generous waits: the page and the key come through the emulators, slow on a busy machine.
  await page.goto(`${origin}/verify`, { timeout: 180_000 });
  await page.getByText('Published key', { exact: true }).waitFor({ timeout: 180_000 });
  await page.getByLabel('Bundle').setInputFiles(zip);
  await startWatching(page);
  const started = performance.now();
  await page.getByRole('button', { name: 'Verify' }).click();
  const verdict = page.getByText(/^(Verified|Not verified: .*)$/);
  await verdict.waitFor({ timeout: 300_000 });
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds: Math.round(seconds * 100) / 100,
    verdict: await verdict.innerText(),
    ...(await stopWatching(page)),
  };
}

async function main(): Promise<void> {
  const sizes = (option('sizes') ?? '10000,100000').split(',').map(Number);
  const origin = new URL(process.env.EVIDENCE_API_URL ?? '').origin;
  const dir = mkdtempSync(join(tmpdir(), 'portal-verify-'));
  const browser = await launchChromium();
  try {
    console.log(`in-browser verify on ${origin}/verify (Web Worker), Chromium headless`);
    console.log('events     zip MB  seconds  max frame gap ms  long tasks  longest ms  verdict');
    for (const count of sizes) {
      const zip = await buildZip(count, dir);
      const page = await browser.newPage();
      const r = await verifyOnce(page, origin, zip);
      await page.close();
      const mb = Math.round((statSync(zip).size / 1024 / 1024) * 10) / 10;
      console.log(
        `${String(count).padEnd(10)} ${String(mb).padStart(6)}  ${String(r.seconds).padStart(7)}  ${String(r.maxFrameGapMs).padStart(16)}  ${String(r.longTasks).padStart(10)}  ${String(r.longestTaskMs).padStart(10)}  ${r.verdict}`,
      );
      console.log(JSON.stringify({ events: count, zipMB: mb, ...r }));
    }
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
