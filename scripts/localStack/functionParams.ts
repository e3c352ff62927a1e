/**
 * Values for the functions' params (`defineString`, `defineInt`, …) in the emulator.
 *
 * The Functions emulator resolves every non-secret param at load time from dotenv files and
 * prompts on the terminal for any it cannot find, even when the param has a default. Under the
 * stack there is no terminal, so it would wait forever. So before starting it, we ask the compiled
 * functions which params they declare and hand each one a value: the stack's own, the root dotenv
 * files', or the param's default. A param with none of these fails the start with its name.
 * Secrets (`defineSecret`) are not resolved at load time; they reach the workers through the
 * environment the emulator passes on.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ParamSpec {
  name: string;
  type: string;
  default?: unknown;
}

/** Names firebase-tools refuses in dotenv files (so such a param can never get a local value). */
const RESERVED = new Set([
  'FIREBASE_CONFIG',
  'CLOUD_RUNTIME_CONFIG',
  'EVENTARC_CLOUD_EVENT_SOURCE',
  'ENTRY_POINT',
  'GCP_PROJECT',
  'GCLOUD_PROJECT',
  'GOOGLE_CLOUD_PROJECT',
  'FUNCTION_TRIGGER_TYPE',
  'FUNCTION_NAME',
  'FUNCTION_MEMORY_MB',
  'FUNCTION_TIMEOUT_SEC',
  'FUNCTION_IDENTITY',
  'FUNCTION_REGION',
  'FUNCTION_TARGET',
  'FUNCTION_SIGNATURE_TYPE',
  'K_SERVICE',
  'K_REVISION',
  'PORT',
  'K_CONFIGURATION',
]);
const RESERVED_PREFIXES = ['X_GOOGLE_', 'FIREBASE_', 'EXT_'];

/** Loads the compiled functions in a throwaway node process and lists the params they declare. */
export function discoverParams(projectDir: string, mainFile: string): ParamSpec[] {
  const script = `
    require(${JSON.stringify(path.join(projectDir, mainFile))});
    const { declaredParams } = require('firebase-functions/params');
    process.stdout.write('\\n' + JSON.stringify(declaredParams.map((p) => p.toSpec())));
  `;
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: projectDir,
    encoding: 'utf8',
    // Loading must not reach any real service; a demo project id keeps Google clients offline.
    env: { ...process.env, GCLOUD_PROJECT: 'demo-soc2' },
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `The functions (${mainFile}) failed to load, so the emulator could not serve them:\n` +
        `${(result.stderr || result.error?.message || '').trim()}`,
    );
  }
  const lastLine = result.stdout.trim().split('\n').pop() ?? '[]';
  return JSON.parse(lastLine) as ParamSpec[];
}

/** Keys already set by the dotenv files at the project root. */
export function rootDotenvKeys(projectDir: string, files: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const file of files) {
    const full = path.join(projectDir, file);
    if (!fs.existsSync(full)) continue;
    for (const match of fs
      .readFileSync(full, 'utf8')
      .matchAll(/^\s*(?:export\s+)?([\w./]+)\s*=/gm)) {
      keys.add(match[1]);
    }
  }
  return keys;
}

/**
 * The dotenv values the stack must write: the stack's own values for params that exist, plus
 * defaults for the rest. Throws, naming every param that cannot get a value.
 */
export function paramValues(
  specs: readonly ParamSpec[],
  stackValues: Readonly<Record<string, string>>,
  alreadySet: ReadonlySet<string>,
): Record<string, string> {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const spec of specs) {
    if (spec.type === 'secret') continue;
    if (RESERVED.has(spec.name) || RESERVED_PREFIXES.some((p) => spec.name.startsWith(p))) {
      problems.push(`${spec.name}: the name is reserved by firebase-tools, rename the param`);
    } else if (spec.name in stackValues) {
      // The stack's value wins over the root dotenv files: it knows this stack's ports.
      values[spec.name] = stackValues[spec.name];
    } else if (alreadySet.has(spec.name)) {
      continue;
    } else if (spec.default !== undefined && !/\{\{.*\}\}/.test(String(spec.default))) {
      values[spec.name] = Array.isArray(spec.default)
        ? spec.default.join(',')
        : String(spec.default);
    } else {
      problems.push(`${spec.name}: no default; put a local value in a committed .env at the root`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`Function params without a local value:\n  ${problems.join('\n  ')}`);
  }
  return values;
}
