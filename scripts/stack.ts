/**
 * `npm run stack -- <command…>`: start the local stack, run the command inside it with the
 * CONTRACT §6 variables set, stop everything, exit with the command's status.
 * `--quiet` (before `--`) sends emulator output to `.stack/<offset>/emulators.log` only.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startStack, type RunningStack } from './localStack';

interface Args {
  quiet: boolean;
  command: string[];
}

function parseArgs(argv: string[]): Args {
  // Our own options come first; the command starts after `--` or at the first non-option
  // (npm swallows the `--` of `npm run stack -- jest`, so `jest` arrives bare).
  let index = 0;
  let quiet = false;
  for (; index < argv.length; index++) {
    if (argv[index] === '--quiet') quiet = true;
    else if (argv[index] === '--') {
      index++;
      break;
    } else if (argv[index].startsWith('--')) {
      throw new Error(`Unknown option ${argv[index]}; usage: stack [--quiet] [--] <command…>`);
    } else break;
  }
  const command = argv.slice(index);
  if (command.length === 0) throw new Error('Nothing to run; usage: npm run stack -- <command…>');
  return { quiet, command };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const projectDir = path.resolve(__dirname, '..', '..');
  const log = args.quiet ? () => undefined : (line: string) => console.error(line);
  const stack: RunningStack = await startStack({ projectDir, quiet: args.quiet, log });

  const child = spawn(args.command[0], args.command.slice(1), {
    stdio: 'inherit',
    cwd: process.cwd(),
    env: {
      ...process.env,
      ...stack.env,
      STACK_PORT_OFFSET: String(stack.offset),
      // Google auth libraries otherwise probe the GCE metadata server (slow, noisy) offline.
      METADATA_SERVER_DETECTION: 'none',
    },
  });

  let abort: string | undefined;
  stack.onUnexpectedExit((what, code) => {
    abort = `${what} exited unexpectedly (code ${code}) while the command ran`;
    console.error(
      `local stack: ${abort}\n--- last lines of ${stack.emulatorLog} ---\n${stack.emulatorTail(30)}`,
    );
    child.kill('SIGTERM');
  });
  // Ctrl-C reaches the command through the terminal; a SIGTERM sent to us alone is passed on.
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', forward('SIGTERM'));

  const status = await new Promise<number>((resolve) => {
    child.once('error', (error) => {
      console.error(`local stack: could not run ${args.command[0]}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) =>
      resolve(code ?? (signal ? 128 + signalNumber(signal) : 1)),
    );
  });
  if (status !== 0 && args.quiet) {
    console.error(`local stack: command exited ${status}; emulator log: ${stack.emulatorLog}`);
    console.error(stack.emulatorTail(20));
  }
  await stack.stop();
  return abort && status === 0 ? 1 : status;
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 0;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
