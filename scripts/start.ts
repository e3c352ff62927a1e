/**
 * `npm start`: the whole system on the local emulators with a seeded demo account, until Ctrl-C.
 * Prints the portal and endpoint URLs, and for one user of each role an email and password to sign
 * in to the portal with and a fresh ID token.
 * `--verbose` also shows the emulators' own output (otherwise in .stack/<offset>/emulators.log).
 */
import * as path from 'node:path';
import { startStack, type RunningStack, type SeedDemo, type SeedResult } from './localStack';
import { mintIdToken } from './localStack/idTokens';
import { evaluateSeededAccounts } from './seed/evaluate';

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

async function printBanner(stack: RunningStack, seeded: SeedResult | undefined): Promise<void> {
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
    await printBanner(stack, seeded);
  } catch (error) {
    console.error(`local stack: seeding failed: ${(error as Error).stack ?? String(error)}`);
    await shutdown(1);
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
