/**
 * `npm run bench`: every benchmark, one after another, each in its own process inside one local
 * stack (so one benchmark's heap and triggers do not colour the next one's figures). Arguments
 * after `--` go to every benchmark; each prints its own table.
 *
 *   npm run bench
 *   npm run bench -- --only bundleBuild
 *   npm run bench -- --only loadMix
 *   npm run bench -- --only portal
 *   npm run bench -- --only portalVerify
 *   npm run bench -- --only largeMembership --members 50000
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const BENCHMARKS = [
  'auditRollups',
  'evidenceReport',
  'bundleBuild',
  'archiveRequest',
  'loadMix',
  'portal',
  'portalVerify',
  'largeMembership',
] as const;

function selected(argv: readonly string[]): readonly string[] {
  const at = argv.indexOf('--only');
  if (at < 0) return BENCHMARKS;
  const wanted = (argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = wanted.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (wanted.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes a comma-separated list of: ${BENCHMARKS.join(', ')}`);
  }
  return wanted;
}

const args = process.argv.slice(2);
const forwarded = args.filter((_, i) => args[i] !== '--only' && args[i - 1] !== '--only');
let failed = 0;
for (const name of selected(args)) {
  console.log(`\n=== bench/${name}`);
  const run = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`), ...forwarded], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(`bench/${name} exited with ${run.status ?? run.signal}`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
