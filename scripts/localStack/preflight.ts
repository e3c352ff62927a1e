import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PORT_NAMES, describePortHolder, isPortFree } from './ports';
import type { StackPorts } from './types';

/** A check that failed; the message says what to do about it. */
export class PreflightError extends Error {
  override name = 'PreflightError';
}

/** Major version from `java -version` (it prints to stderr: `openjdk version "17.0.15" …`). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  // Java 8 and older report "1.8.0_…".
  return match[1] === '1' && match[2] !== undefined ? Number(match[2]) : Number(match[1]);
}

function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new PreflightError(
      'Java is not installed (the Firestore emulator needs it): apt-get install -y openjdk-17-jre-headless',
    );
  }
  const major = parseJavaMajor(`${result.stderr}${result.stdout}`);
  if (major === undefined || major < 11) {
    throw new PreflightError(
      `Java 11 or newer is needed (found ${major ?? 'an unknown version'}): apt-get install -y openjdk-17-jre-headless`,
    );
  }
}

function checkRedis(): void {
  const result = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (result.error) {
    throw new PreflightError(
      'redis-server is not installed (the report cache runs on it locally): apt-get install -y redis-server',
    );
  }
}

/** package.json's `main`: the file the Functions emulator loads. */
export function functionsMainFile(projectDir: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectDir, 'package.json'), 'utf8')) as {
    main?: string;
  };
  return pkg.main ?? 'index.js';
}

function checkBuilt(projectDir: string): void {
  const main = functionsMainFile(projectDir);
  if (!fs.existsSync(path.join(projectDir, main))) {
    throw new PreflightError(
      `The functions entry ${main} (package.json "main") does not exist: run npm run build` +
        ' (and check that "main" points at the compiled functions/index.ts)',
    );
  }
}

async function checkPorts(ports: StackPorts, offset: number): Promise<void> {
  const taken: string[] = [];
  for (const name of PORT_NAMES) {
    const port = ports[name];
    if (!(await isPortFree(port))) {
      const holder = describePortHolder(port);
      taken.push(`${name} port ${port} is in use${holder ? ` by ${holder}` : ''}`);
    }
  }
  if (taken.length > 0) {
    throw new PreflightError(
      `${taken.join('; ')}. Stop whatever holds it (another stack?) or run with a different ` +
        `STACK_PORT_OFFSET (now ${offset}; e.g. STACK_PORT_OFFSET=${offset + 100}).`,
    );
  }
}

/** Fails fast, before anything is started, with a message that says what to do. */
export async function preflight(
  projectDir: string,
  ports: StackPorts,
  offset: number,
): Promise<void> {
  checkJava();
  checkRedis();
  checkBuilt(projectDir);
  await checkPorts(ports, offset);
}
