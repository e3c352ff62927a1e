/**
 * `npm start`: the whole system on the local emulators with a seeded demo account, until Ctrl-C.
 * Prints the portal and endpoint URLs, and for one user of each role an email and password to sign
 * in to the portal with and a fresh ID token.
 * `--verbose` also shows the emulators' own output (otherwise in .stack/<offset>/emulators.log).
 */
import * as path from 'node:path';
import { previousQuarter } from '../functions/bundle/period';
import { startStack, type RunningStack, type SeedDemo, type SeedResult } from './localStack';
import { mintIdToken } from './localStack/idTokens';
import { askAsOwner, evaluateSeededAccounts } from './seed/evaluate';

/** Roles in CONTRACT §1 order, highest level first. */
const ROLES = ['owner', 'admin', 'dept_lead', 'auditor', 'member', 'viewer'] as const;

/**
 * The seeder lives in scripts/seed/demo.ts (written separately). Loaded through a variable so the
 * stack still builds and starts without it; it then runs unseeded and says so.
 */
async function loadSeeder(): Promise<SeedDemo | undefined> {
  const modulePath = './seed/demo';
  try {
    const loaded = (await import(modulePath)) as { seedDemo?: SeedDemo };
    return loaded.seedDemo;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' && String(error).includes('seed/demo')) return undefined;
    throw error;
  }
}

async function printBanner(
  stack: RunningStack,
  seeded: SeedResult | undefined,
  bundles: string[],
): Promise<void> {
  const { env } = stack;
  const lines = [
    '',
    'SOC 2 evidence backend: local stack is up',
    `  Portal                 ${new URL(env.EVIDENCE_API_URL).origin}/`,
    `  API (Hosting rewrite)  ${env.EVIDENCE_API_URL}`,
    `  API (function direct)  ${env.FUNCTIONS_EMULATOR_URL}`,
    `  Firestore ${env.FIRESTORE_EMULATOR_HOST}   Auth ${env.FIREBASE_AUTH_EMULATOR_HOST}   Storage ${env.STORAGE_EMULATOR_HOST}`,
    `  Upstash REST ${env.UPSTASH_REDIS_REST_URL} (token ${env.UPSTASH_REDIS_REST_TOKEN})   redis-server port ${env.REDIS_PORT}`,
    `  Signing key id ${env.SIGNING_KEY_ID} (throwaway, made at start)`,
    `  Emulator log ${path.relative(process.cwd(), stack.emulatorLog)}`,
  ];
  if (!seeded) {
    lines.push(
      '',
      '  No seeder (scripts/seed/demo.ts exports no seedDemo): the emulators are empty.',
    );
    console.log(lines.join('\n'));
    return;
  }
  lines.push('', `  Accounts: ${seeded.accounts.map((a) => `${a.id} (${a.name})`).join(', ')}`);
  if (bundles.length > 0) lines.push('', '  Signed evidence bundles:', ...bundles);
  lines.push(
    '',
    '  Sign in to the portal as, or call the API with the ID token (valid 1 hour; restart for fresh ones):',
  );
  let example: { token: string; accountId: string } | undefined;
  for (const role of ROLES) {
    const enabled = seeded.users.filter((u) => u.role === role && !u.disabled);
    const user = enabled.find((u) => !u.mfaEnrolled) ?? enabled[0];
    if (!user) continue;
    const token = await mintIdToken(env.FIREBASE_AUTH_EMULATOR_HOST, user.uid);
    example ??= { token, accountId: user.accountId };
    lines.push(
      '',
      `  ${role}  email ${user.email}  password ${user.password}  (account ${user.accountId})` +
        (user.mfaEnrolled ? '  second factor enrolled: the portal cannot sign in as it yet' : ''),
      `  ${token}`,
    );
  }
  if (example) {
    lines.push(
      '',
      '  Try:',
      `  curl -H "Authorization: Bearer ${example.token}" "${env.EVIDENCE_API_URL}/soc2-evidence?accountId=${example.accountId}"`,
    );
  }
  lines.push('', 'Ctrl-C stops everything.');
  console.log(lines.join('\n'));
}

const BUNDLE_WAIT_MS = 180_000;

/**
 * Asks for the last quarter's bundle of each seeded account through the API, as the quarterly
 * schedule would have, and waits until the task queue (the Cloud Tasks emulator dispatching to
 * the Functions emulator) has built it: the archives page then shows it ready. Returns one line
 * per account for the banner.
 */
async function archiveLastQuarter(stack: RunningStack, seeded: SeedResult): Promise<string[]> {
  const quarter = previousQuarter(new Date());
  const period = { periodStart: quarter.start.toISOString(), periodEnd: quarter.end.toISOString() };
  const lines: string[] = [];
  for (const account of seeded.accounts) {
    const asked = await askAsOwner(stack.env, seeded, account.id, 'POST', '/soc2-archives', period);
    // Accounts off the enterprise plan answer 403: no bundles, as in production.
    if (!asked || asked.status === 403) continue;
    if (!asked.ok) {
      lines.push(`  ${account.id}: asking for ${quarter.id} answered ${asked.status}`);
      continue;
    }
    const deadline = Date.now() + BUNDLE_WAIT_MS;
    let state = 'building';
    while (state === 'building' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const list = await askAsOwner(stack.env, seeded, account.id, 'GET', '/soc2-archives');
      const { archives } = (await list!.json()) as { archives: { id: string; state: string }[] };
      state = archives.find((a) => a.id === quarter.id)?.state ?? 'missing';
    }
    lines.push(`  ${account.id}: bundle ${quarter.id} ${state} (built through the task queue)`);
  }
  return lines;
}

async function main(): Promise<void> {
  const projectDir = path.resolve(__dirname, '..', '..');
  const verbose = process.argv.includes('--verbose');
  const stack = await startStack({ projectDir, quiet: !verbose });

  let stopping = false;
  const shutdown = async (status: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      console.log('\nlocal stack: stopping…');
      await stack.stop();
    }
    process.exit(status);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  stack.onUnexpectedExit((what, code) => {
    console.error(`local stack: ${what} exited unexpectedly (code ${code}); stopping the rest.`);
    console.error(stack.emulatorTail(30));
    void shutdown(1);
  });

  try {
    // The seeder and the token helper use the admin SDK, which finds the emulators through these.
    Object.assign(process.env, stack.env);
    const seedDemo = await loadSeeder();
    const seeded = seedDemo ? await seedDemo(stack.env) : undefined;
    if (seeded) await evaluateSeededAccounts(stack.env, seeded);
    const bundles = seeded ? await archiveLastQuarter(stack, seeded) : [];
    await printBanner(stack, seeded, bundles);
  } catch (error) {
    console.error(`local stack: seeding failed: ${(error as Error).stack ?? String(error)}`);
    await shutdown(1);
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
