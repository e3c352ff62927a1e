import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

export interface ManagedChildOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Everything the child prints goes here (fresh each run, kept for post-mortems). */
  logFile: string;
  /** Also copy the output to our stdout (off in --quiet mode). */
  echo: boolean;
}

/**
 * A child process we own: its output is logged, we can wait for a line, and we hear about it dying
 * before we asked it to. It runs in its own process group so that stopping it also stops what it
 * started (firebase-tools starts java and node workers).
 */
export class ManagedChild {
  readonly process: ChildProcess;
  private output = '';
  private stopping = false;
  private readonly exited: Promise<number | null>;
  private readonly log: fs.WriteStream;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: ManagedChildOptions,
  ) {
    this.log = fs.createWriteStream(options.logFile, { flags: 'w' });
    this.process = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const onChunk = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      // Only the recent past matters for waitFor() and tail(); keep memory bounded.
      this.output = (this.output + text).slice(-200_000);
      this.log.write(text);
      if (options.echo) process.stdout.write(text);
    };
    this.process.stdout?.on('data', onChunk);
    this.process.stderr?.on('data', onChunk);
    this.exited = new Promise((resolve) => {
      this.process.once('error', (error) => {
        onChunk(Buffer.from(`\n[${name}] failed to start: ${error.message}\n`));
        resolve(-1);
      });
      this.process.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)));
    });
  }

  /** Called once if the child exits while we did not ask it to. */
  onUnexpectedExit(callback: (code: number | null) => void): void {
    void this.exited.then((code) => {
      if (!this.stopping) callback(code);
    });
  }

  /** Resolves when the output matches `pattern`; rejects on `failure`, exit, or timeout. */
  waitFor(pattern: RegExp, timeoutMs: number, failure?: RegExp): Promise<void> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const check = (): void => {
        // Failure first: a broken start can still print the success line afterwards.
        const failed = failure?.exec(this.output);
        if (failed)
          return finish(() =>
            reject(new Error(`${this.name}: ${lineAround(this.output, failed.index)}`)),
          );
        if (pattern.test(this.output)) return finish(() => resolve());
        if (this.process.exitCode !== null || this.process.signalCode !== null) {
          return finish(() => reject(new Error(`${this.name} exited before it was ready`)));
        }
        if (Date.now() - started > timeoutMs) {
          return finish(() =>
            reject(new Error(`${this.name} not ready after ${timeoutMs / 1000} s`)),
          );
        }
      };
      const timer = setInterval(check, 100);
      const finish = (settle: () => void): void => {
        clearInterval(timer);
        settle();
      };
      check();
    });
  }

  tail(lines = 40): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  /**
   * Stops the child and its process group: `signal` first (firebase-tools shuts its emulators down
   * cleanly on SIGINT), the same signal again after half the grace period (firebase-tools then
   * stops at once instead of waiting for idle function workers), SIGKILL when the grace is over.
   */
  async stop(graceMs = 10_000, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
    this.stopping = true;
    const pid = this.process.pid;
    const running = (): boolean =>
      this.process.exitCode === null && this.process.signalCode === null;
    if (pid !== undefined && running()) {
      killGroup(pid, signal);
      for (const [afterMs, next] of [
        [graceMs / 2, signal],
        [graceMs / 2, 'SIGKILL'],
      ] as const) {
        const exited = await Promise.race([
          this.exited.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), afterMs).unref()),
        ]);
        if (exited) break;
        killGroup(pid, next);
      }
      await this.exited;
    }
    // Leftovers of the group (workers) go too, even when the leader exited on its own.
    if (pid !== undefined) killGroup(pid, 'SIGKILL');
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function lineAround(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end < 0 ? undefined : end).trim();
}

/**
 * Kills processes whose environment carries `marker` (e.g. `TMPDIR=<this stack's temp dir>`).
 * firebase-tools starts the Firestore JVM in a process group of its own, so stopping firebase's
 * group does not reach it when firebase itself dies hard; the marker, unique to one stack, finds
 * exactly the processes that stack started and nobody else's. Linux /proc only; elsewhere a no-op.
 */
export function killByEnvMarker(marker: string): number[] {
  const needle = Buffer.from(`\0${marker}\0`);
  const killed: number[] = [];
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return killed;
  }
  for (const pid of pids.map(Number)) {
    if (pid === process.pid) continue;
    try {
      const environ = Buffer.concat([Buffer.from('\0'), fs.readFileSync(`/proc/${pid}/environ`)]);
      if (environ.includes(needle)) {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      }
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return killed;
}
