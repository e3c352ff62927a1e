import { ManagedChild } from './children';

/**
 * A throwaway redis-server: no persistence, loopback only, not daemonized (it is our child and
 * dies with the stack). Its working dir is the stack's temp dir so nothing lands in the repo.
 */
export async function startRedisServer(options: {
  port: number;
  workDir: string;
  logFile: string;
  projectDir: string;
}): Promise<ManagedChild> {
  const child = new ManagedChild(
    'redis-server',
    'redis-server',
    [
      '--port',
      String(options.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      options.workDir,
    ],
    { env: process.env, cwd: options.projectDir, logFile: options.logFile, echo: false },
  );
  try {
    await child.waitFor(/Ready to accept connections/, 15_000);
  } catch (error) {
    await child.stop(1_000, 'SIGTERM');
    throw new Error(`redis-server did not start: ${(error as Error).message}\n${child.tail(15)}`);
  }
  return child;
}
