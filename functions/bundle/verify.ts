import {
  createHash,
  createPublicKey,
  verify as verifySignature,
  type KeyObject,
} from 'node:crypto';
import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import {
  BUNDLE_FILES,
  FILES_REQUIRED_SINCE,
  manifestSchema,
  type Manifest,
} from '../schema/bundle';
import { MerkleAccumulator } from './merkle';
import { sha256OfStream } from './streamHash';

/**
 * Offline verification of a bundle zip: everything an auditor needs is the zip, the public key
 * and, for the chain, the previous bundle's manifest.json. Each check reports what it found;
 * the bundle holds only when every check passes.
 */

export interface Check {
  name: string;
  ok: boolean;
  /** What was checked, or for a failure what broke. */
  detail: string;
}

export interface VerifyOptions {
  publicKeyPem: string;
  /** When given (e.g. from the public-key endpoint), the manifest must name this key. */
  expectedKeyId?: string;
  /** Bytes of the previous bundle's manifest.json, to check the chain. */
  previousManifest?: Buffer;
  /** What the auditor expects the bundle to be about; a bundle of another account/quarter fails. */
  expectedAccountId?: string;
  expectedPeriodId?: string;
}

export interface VerifyResult {
  ok: boolean;
  checks: Check[];
  manifest?: Manifest;
  manifestBytes?: Buffer;
  manifestSha256?: string;
}

interface EntryDigest {
  sha256: string;
  size: number;
}

interface AuditLogDigest extends EntryDigest {
  merkleRoot: string;
  lines: number;
  malformed: number;
  /** First line whose timestamp falls outside the period, if any. */
  outsidePeriod?: string;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  const options = {
    lazyEntries: true,
    autoClose: false,
    validateEntrySizes: true,
    strictFileNames: true,
  };
  return new Promise((resolve, reject) =>
    yauzl.open(path, options, (e, z) => (e ? reject(e) : resolve(z))),
  );
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (e, s) => (e ? reject(e) : resolve(s))),
  );
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Hashes the audit log and rebuilds its Merkle root line by line (memory: one line). */
async function digestAuditLog(
  stream: Readable,
  period?: Manifest['period'],
): Promise<AuditLogDigest> {
  const hash = createHash('sha256');
  const merkle = new MerkleAccumulator();
  let size = 0;
  let malformed = 0;
  let outsidePeriod: string | undefined;
  let partial: Buffer = Buffer.alloc(0);
  const onLine = (line: Buffer) => {
    merkle.add(line);
    let parsed: { id?: unknown; malformed?: unknown; timestamp?: unknown } = {};
    try {
      parsed = JSON.parse(line.toString('utf8')) as typeof parsed;
    } catch {
      parsed = { malformed: true };
    }
    if (parsed.malformed === true) malformed++;
    else if (period && outsidePeriod === undefined && typeof parsed.timestamp === 'string') {
      const t = parsed.timestamp;
      if (!(Date.parse(t) >= Date.parse(period.start) && Date.parse(t) < Date.parse(period.end))) {
        outsidePeriod = `event ${String(parsed.id)} at ${t}`;
      }
    }
  };
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
    let data = partial.length ? Buffer.concat([partial, bytes]) : bytes;
    let newline: number;
    while ((newline = data.indexOf(0x0a)) !== -1) {
      onLine(data.subarray(0, newline));
      data = data.subarray(newline + 1);
    }
    partial = Buffer.from(data);
  }
  if (partial.length > 0) onLine(partial);
  return {
    sha256: hash.digest('hex'),
    size,
    merkleRoot: merkle.root(),
    lines: merkle.leafCount,
    malformed,
    outsidePeriod,
  };
}

/** One entry of a zip, whole (for the small files: report.json when rebuilding an index). */
export async function readZipEntry(zipPath: string, name: string): Promise<Buffer> {
  const zip = await openZip(zipPath);
  try {
    const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve(undefined));
      zip.on('entry', (e: yauzl.Entry) => (e.fileName === name ? resolve(e) : zip.readEntry()));
      zip.readEntry();
    });
    if (!entry) throw new Error(`${name} is not in the bundle`);
    return await readAll(await openEntry(zip, entry));
  } finally {
    zip.close();
  }
}

/** The period from unverified manifest bytes, only to test event timestamps against it. */
function periodOf(manifestBytes: Buffer | undefined): Manifest['period'] | undefined {
  if (!manifestBytes) return undefined;
  try {
    return manifestSchema.shape.period.parse(
      (JSON.parse(manifestBytes.toString('utf8')) as { period?: unknown }).period,
    );
  } catch {
    return undefined;
  }
}

/** Files whose content must agree with the manifest (account, period), not just hash to it. */
const CROSS_CHECKED = new Set<string>([BUNDLE_FILES.report, BUNDLE_FILES.compliance]);

/** A field of a kept JSON file; `value` undefined when the file is not JSON or not an object. */
function jsonField(
  bytes: Buffer | undefined,
  pick: (json: Record<string, unknown>) => unknown,
): { present: boolean; value?: unknown } {
  if (!bytes) return { present: false };
  try {
    const json: unknown = JSON.parse(bytes.toString('utf8'));
    return {
      present: true,
      value: json && typeof json === 'object' ? pick(json as Record<string, unknown>) : undefined,
    };
  } catch {
    return { present: true };
  }
}

function fail(checks: Check[], name: string, detail: string): VerifyResult {
  checks.push({ name, ok: false, detail });
  return { ok: false, checks };
}

export async function verifyBundle(zipPath: string, options: VerifyOptions): Promise<VerifyResult> {
  const checks: Check[] = [];
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(options.publicKeyPem);
  } catch {
    return fail(checks, 'public key', 'the public key is not a readable PEM (SPKI) key');
  }

  // The central directory first (names only), then manifest and signature, then each file
  // streamed once: the audit-log check needs the manifest's period.
  const digests = new Map<string, EntryDigest | AuditLogDigest>();
  const duplicates = new Set<string>();
  let manifestBytes: Buffer | undefined;
  let signature: Buffer | undefined;
  /** Small files whose content is cross-checked against the manifest, kept whole. */
  const kept = new Map<string, Buffer>();
  let period: Manifest['period'] | undefined;
  let entryCount = 0;
  try {
    const zip = await openZip(zipPath);
    try {
      const entries = new Map<string, yauzl.Entry>();
      await new Promise<void>((resolve, reject) => {
        zip.on('error', reject);
        zip.on('end', resolve);
        zip.on('entry', (entry: yauzl.Entry) => {
          entryCount++;
          if (entries.has(entry.fileName)) duplicates.add(entry.fileName);
          entries.set(entry.fileName, entry);
          zip.readEntry();
        });
        zip.readEntry();
      });
      const read = async (name: string) => {
        const entry = entries.get(name);
        return entry ? readAll(await openEntry(zip, entry)) : undefined;
      };
      manifestBytes = await read(BUNDLE_FILES.manifest);
      signature = await read(BUNDLE_FILES.signature);
      period = periodOf(manifestBytes);
      for (const [name, entry] of entries) {
        if (name === BUNDLE_FILES.manifest || name === BUNDLE_FILES.signature) continue;
        const stream = await openEntry(zip, entry);
        if (name === BUNDLE_FILES.auditLog) {
          digests.set(name, await digestAuditLog(stream, period));
        } else if (CROSS_CHECKED.has(name)) {
          const bytes = await readAll(stream);
          kept.set(name, bytes);
          digests.set(name, {
            sha256: createHash('sha256').update(bytes).digest('hex'),
            size: bytes.length,
          });
        } else {
          digests.set(name, await sha256OfStream(stream));
        }
      }
    } finally {
      zip.close();
    }
  } catch (error) {
    return fail(checks, 'zip', `the zip cannot be read: ${(error as Error).message}`);
  }
  checks.push({ name: 'zip', ok: true, detail: `${entryCount} entries read` });
  if (duplicates.size > 0) {
    // Two entries with one name: different tools would show different contents.
    return fail(checks, 'zip', `duplicate entries: ${[...duplicates].join(', ')}`);
  }
  if (!manifestBytes) return fail(checks, 'manifest', `${BUNDLE_FILES.manifest} is missing`);

  // Signature before parsing: nothing unsigned is trusted.
  if (!signature) return fail(checks, 'signature', `${BUNDLE_FILES.signature} is missing`);
  if (signature.length !== 64) {
    return fail(
      checks,
      'signature',
      `${BUNDLE_FILES.signature} is ${signature.length} bytes, not 64`,
    );
  }
  if (!verifySignature(null, manifestBytes, publicKey, signature)) {
    return fail(
      checks,
      'signature',
      `${BUNDLE_FILES.signature} does not verify ${BUNDLE_FILES.manifest} with the given public key`,
    );
  }
  checks.push({
    name: 'signature',
    ok: true,
    detail: 'Ed25519 signature over manifest.json verifies',
  });

  let manifest: Manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(manifestBytes.toString('utf8')));
  } catch (error) {
    return fail(
      checks,
      'manifest',
      `manifest.json is not a valid manifest: ${(error as Error).message}`,
    );
  }
  const result = (): VerifyResult => ({
    ok: checks.every((c) => c.ok),
    checks,
    manifest,
    manifestBytes,
    manifestSha256: createHash('sha256').update(manifestBytes).digest('hex'),
  });

  const expectations: [string, string | undefined, string][] = [
    ['key id', options.expectedKeyId, manifest.signature.keyId],
    ['account', options.expectedAccountId, manifest.accountId],
    ['period', options.expectedPeriodId, manifest.period.id],
  ];
  for (const [name, expected, actual] of expectations) {
    if (expected === undefined) continue;
    checks.push({
      name,
      ok: expected === actual,
      detail: expected === actual ? actual : `manifest says ${actual}, expected ${expected}`,
    });
  }

  const listed = new Set(manifest.files.map((f) => f.name));
  for (const file of manifest.files) {
    const found = digests.get(file.name);
    if (!found) {
      checks.push({
        name: `file ${file.name}`,
        ok: false,
        detail: 'listed in the manifest but missing',
      });
    } else if (found.sha256 !== file.sha256 || found.size !== file.size) {
      checks.push({
        name: `file ${file.name}`,
        ok: false,
        detail: `content differs from the manifest (sha256 ${found.sha256}, ${found.size} bytes; manifest ${file.sha256}, ${file.size} bytes)`,
      });
    } else {
      checks.push({ name: `file ${file.name}`, ok: true, detail: `sha256 ${file.sha256}` });
    }
  }
  for (const [name, since] of Object.entries(FILES_REQUIRED_SINCE)) {
    if (manifest.version >= since && !listed.has(name)) {
      checks.push({
        name: `file ${name}`,
        ok: false,
        detail: `not listed, but every version ${since}+ manifest lists it (this one is version ${manifest.version})`,
      });
    }
  }
  for (const name of digests.keys()) {
    if (!listed.has(name)) {
      checks.push({
        name: `file ${name}`,
        ok: false,
        detail: 'present in the zip but not in the manifest',
      });
    }
  }

  const log = digests.get(BUNDLE_FILES.auditLog) as AuditLogDigest | undefined;
  if (log) {
    checks.push(
      log.merkleRoot === manifest.merkle.root && log.lines === manifest.merkle.leafCount
        ? {
            name: 'merkle root',
            ok: true,
            detail: `${manifest.merkle.root} over ${log.lines} lines`,
          }
        : {
            name: 'merkle root',
            ok: false,
            detail: `recomputed ${log.merkleRoot} over ${log.lines} lines of audit-log.ndjson; manifest says ${manifest.merkle.root} over ${manifest.merkle.leafCount}`,
          },
    );
    checks.push(
      log.lines === manifest.eventCount && log.malformed === manifest.malformedEventCount
        ? {
            name: 'event count',
            ok: true,
            detail: `${log.lines} events (${log.malformed} malformed)`,
          }
        : {
            name: 'event count',
            ok: false,
            detail: `audit-log.ndjson has ${log.lines} lines (${log.malformed} malformed); manifest says ${manifest.eventCount} (${manifest.malformedEventCount})`,
          },
    );
    checks.push(
      log.outsidePeriod === undefined
        ? {
            name: 'event times',
            ok: true,
            detail: `all within [${manifest.period.start}, ${manifest.period.end})`,
          }
        : { name: 'event times', ok: false, detail: `${log.outsidePeriod} is outside the period` },
    );
  } else {
    checks.push({ name: 'merkle root', ok: false, detail: 'audit-log.ndjson is missing' });
  }

  const reportAccount = jsonField(kept.get(BUNDLE_FILES.report), (r) => r.accountId);
  if (reportAccount.present) {
    checks.push(
      reportAccount.value === manifest.accountId
        ? { name: 'report account', ok: true, detail: `report.json is about ${manifest.accountId}` }
        : {
            name: 'report account',
            ok: false,
            detail: `report.json is about ${String(reportAccount.value)}, the manifest about ${manifest.accountId}`,
          },
    );
  }
  const compliancePeriod = jsonField(
    kept.get(BUNDLE_FILES.compliance),
    (c) => `[${String(c.periodStart)}, ${String(c.periodEnd)})`,
  );
  if (compliancePeriod.present) {
    const expected = `[${manifest.period.start}, ${manifest.period.end})`;
    checks.push(
      compliancePeriod.value === expected
        ? { name: 'compliance period', ok: true, detail: `compliance.json covers ${expected}` }
        : {
            name: 'compliance period',
            ok: false,
            detail: `compliance.json covers ${String(compliancePeriod.value)}, the manifest ${expected}`,
          },
    );
  }

  checks.push(chainCheck(manifest, options.previousManifest));
  return result();
}

function chainCheck(manifest: Manifest, previousBytes: Buffer | undefined): Check {
  if (!previousBytes) {
    return {
      name: 'chain',
      ok: true,
      detail:
        manifest.previousManifestSha256 === null
          ? 'first bundle of this account (no previous manifest)'
          : `not checked: pass --previous to check link ${manifest.previousManifestSha256}`,
    };
  }
  const previousSha = createHash('sha256').update(previousBytes).digest('hex');
  if (previousSha !== manifest.previousManifestSha256) {
    return {
      name: 'chain',
      ok: false,
      detail: `previous manifest has sha256 ${previousSha}; this manifest links to ${String(manifest.previousManifestSha256)}`,
    };
  }
  let previous: Manifest;
  try {
    previous = manifestSchema.parse(JSON.parse(previousBytes.toString('utf8')));
  } catch {
    return { name: 'chain', ok: false, detail: 'the previous manifest is not a valid manifest' };
  }
  if (previous.accountId !== manifest.accountId) {
    return {
      name: 'chain',
      ok: false,
      detail: `previous manifest is for account ${previous.accountId}`,
    };
  }
  if (Date.parse(previous.period.end) > Date.parse(manifest.period.start)) {
    return {
      name: 'chain',
      ok: false,
      detail: `previous period ${previous.period.id} overlaps this one`,
    };
  }
  return { name: 'chain', ok: true, detail: `links to ${previous.period.id} (${previousSha})` };
}
