#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Deps } from '../app/deps';
import { customPeriod, parseQuarter, type Period } from '../bundle/period';
import { verifyBundle, type VerifyOptions } from '../bundle/verify';
import { publicKeyResponseSchema } from '../schema/bundle';

/**
 * `soc2-evidence` — the package's command line (CONTRACT §5).
 *
 *   soc2-evidence verify <bundle.zip> (--public-key key.pem | --key-url URL)
 *                        [--previous manifest.json] [--account ID] [--period ID]
 *   soc2-evidence archive --account ID (--period 2026-Q3 | --start ISO --end ISO)
 *
 * Exit codes: 0 all checks hold / archived, 1 a check failed, 2 usage or environment error.
 */

const USAGE = `usage:
  soc2-evidence verify <bundle.zip> (--public-key key.pem | --key-url URL)
                       [--previous previous-manifest.json] [--account ID] [--period ID]
  soc2-evidence archive --account ID (--period 2026-Q3 | --start ISO --end ISO)

verify   checks a downloaded bundle offline: Ed25519 signature over manifest.json, every file's
         SHA-256 and size, the Merkle root recomputed from audit-log.ndjson, the event count and
         times, and with --previous the chain to the previous bundle. --key-url takes the
         /api/soc2-evidence/public-key endpoint and also checks the manifest's key id.
archive  builds and stores one bundle from a shell, with the functions' environment
         (FIRESTORE_EMULATOR_HOST or Google credentials, EVIDENCE_BUCKET, SIGNING_PRIVATE_KEY,
         SIGNING_KEY_ID, UPSTASH_REDIS_REST_URL/TOKEN).`;

class UsageError extends Error {}

async function keyFrom(values: { 'public-key'?: string; 'key-url'?: string }) {
  if (values['public-key'] && values['key-url']) {
    throw new UsageError('give either --public-key or --key-url, not both');
  }
  if (values['public-key']) {
    const pem = values['public-key'].startsWith('-----BEGIN')
      ? values['public-key']
      : readFileSync(values['public-key'], 'utf8');
    return { publicKeyPem: pem };
  }
  if (values['key-url']) {
    const response = await fetch(values['key-url']);
    if (!response.ok) throw new UsageError(`${values['key-url']} answered ${response.status}`);
    const key = publicKeyResponseSchema.parse(await response.json());
    return { publicKeyPem: key.publicKey, expectedKeyId: key.keyId };
  }
  throw new UsageError('verify needs --public-key <pem file> or --key-url <url>');
}

async function verifyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'public-key': { type: 'string' },
      'key-url': { type: 'string' },
      previous: { type: 'string' },
      account: { type: 'string' },
      period: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('verify takes exactly one bundle.zip');
  const options: VerifyOptions = {
    ...(await keyFrom(values)),
    ...(values.previous ? { previousManifest: readFileSync(values.previous) } : {}),
    ...(values.account ? { expectedAccountId: values.account } : {}),
    ...(values.period ? { expectedPeriodId: values.period } : {}),
  };
  const result = await verifyBundle(positionals[0], options);
  for (const check of result.checks) {
    console.log(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}`);
  }
  console.log(result.ok ? 'bundle verified' : 'bundle NOT verified');
  return result.ok ? 0 : 1;
}

async function archiveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      account: { type: 'string' },
      period: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
    },
  });
  if (!values.account) throw new UsageError('archive needs --account');
  // Loaded here so `verify` runs without Firebase configuration, and starts without the
  // builder's PDF renderer and fonts.
  const { defaultDeps } = await import('../app/deps');
  const { archiveDepsFrom, archivePeriod } = await import('../bundle/archive');
  const deps: Deps = defaultDeps();
  let period: Period;
  if (values.period && !values.start && !values.end) period = parseQuarter(values.period);
  else if (values.start && values.end && !values.period) {
    period = customPeriod(new Date(values.start), new Date(values.end), deps.now());
  } else throw new UsageError('archive needs --period, or --start and --end');
  const outcome = await archivePeriod(archiveDepsFrom(deps), values.account, period);
  const index = outcome.index;
  console.log(
    `${outcome.status}: gs://${index.bucket}/${index.objectPath} ` +
      `(${index.eventCount} events, ${index.size} bytes, manifest sha256 ${index.manifestSha256})`,
  );
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'verify') return await verifyCommand(rest);
    if (command === 'archive') return await archiveCommand(rest);
    throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

if (require.main === module) {
  // Explicit exit: `archive` leaves Firestore/Storage clients with open handles.
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
