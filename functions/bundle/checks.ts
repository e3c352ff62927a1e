import {
  BUNDLE_FILES,
  FILES_REQUIRED_SINCE,
  manifestSchema,
  type Manifest,
} from '../schema/manifest';
import { MerkleAccumulator } from './merkle';
import { toHex, type HashFactory, type SignatureVerifier } from './verifierCrypto';

/**
 * The checks of an offline bundle verification, as pure functions: the zip reader (Node here, a
 * browser one for the portal) passes in the bytes it read whole, the SHA-256 digests it computed
 * while streaming, and the signature verification. No `node:` import and no Buffer-only API, so
 * one module serves both verifiers, limits included.
 */

export interface Check {
  name: string;
  ok: boolean;
  /** What was checked, or for a failure what broke. */
  detail: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Files read whole, and the most the reader reads of each. The reader compares the zip's declared
 * uncompressed size with the limit before reading, and a declared size is enforced while
 * inflating, so a small zip cannot make the verifier hold gigabytes.
 */
export const WHOLE_FILE_LIMITS: Readonly<Record<string, number>> = {
  /** A dozen file entries take a few KB. */
  [BUNDLE_FILES.manifest]: 1 * MiB,
  /** Ed25519 signatures are 64 bytes; a little more is read so the failure can say the size. */
  [BUNDLE_FILES.signature]: 1 * KiB,
  /**
   * Parsed whole for the cross-checks. report.json grows with membership: about 2 KB per member
   * pretty-printed, so about 100 MB for 50,000 members (a 16 MiB limit refused 8,000).
   */
  [BUNDLE_FILES.report]: 160 * MiB,
  [BUNDLE_FILES.compliance]: 160 * MiB,
};

/** An audit event is a Firestore document (at most 1 MiB); its JSON line stays well under this. */
export const AUDIT_LINE_LIMIT = 4 * MiB;

/** Files besides the manifest and its signature whose content must agree with the manifest. */
const CROSS_CHECKED = [BUNDLE_FILES.report, BUNDLE_FILES.compliance];

export interface EntryDigest {
  sha256: string;
  /** Uncompressed bytes. */
  size: number;
}

export interface AuditLogDigest extends EntryDigest {
  merkleRoot: string;
  lines: number;
  malformed: number;
  /** First line whose timestamp falls outside the period, if any. */
  outsidePeriod?: string;
}

/** What the zip reader found. */
export interface BundleContents {
  entryCount: number;
  /** Names held by more than one entry: different tools would show different contents. */
  duplicates: string[];
  /** manifest.json, manifest.sig and the cross-checked files, whole (when within their limits). */
  whole: Map<string, Uint8Array>;
  /** Every entry but manifest.json and manifest.sig that was read (audit-log.ndjson in full). */
  digests: Map<string, EntryDigest | AuditLogDigest>;
  /** Entries not read because a limit was exceeded, with the reason. */
  refused: Map<string, string>;
}

/** A limit of the verifier was exceeded; the reader stops reading that entry. */
export class LimitExceeded extends Error {}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const text = (bytes: Uint8Array) => utf8.decode(bytes);
const pass = (name: string, detail: string): Check => ({ name, ok: true, detail });
const fail = (name: string, detail: string): Check => ({ name, ok: false, detail });

export const overLimit = (name: string, size: number, limit: number) =>
  `${name} is ${size} bytes, over the verifier's limit of ${limit} bytes`;

/** One region of the zip file, [start, end) in bytes. */
export interface ZipSpan {
  name: string;
  start: number;
  end: number;
}

export interface ZipLayout {
  size: number;
  /** Each entry from its local header to the end of its data (and data descriptor). */
  entries: ZipSpan[];
  /** From the first central-directory record to the end of the last one. */
  centralDirectory: { start: number; end: number };
  /** Where the end records start (zip64 end record if any, else the end of central directory). */
  trailerStart: number;
}

/**
 * The first byte range the central directory does not account for: data before, between or
 * overlapping the entries (a hidden local entry that some readers would return), or between the
 * entries, the central directory and its end record. Undefined when every byte is accounted for.
 */
export function unaccountedBytes(layout: ZipLayout): string | undefined {
  const spans = [...layout.entries].sort((a, b) => a.start - b.start);
  let cursor = 0;
  let previous = 'the start of the zip';
  for (const span of [...spans, { ...layout.centralDirectory, name: 'the central directory' }]) {
    if (span.start < cursor) return `${span.name} overlaps ${previous}`;
    if (span.start > cursor) {
      return `${span.start - cursor} bytes at offset ${cursor}, between ${previous} and ${span.name}, are not part of any entry of the central directory`;
    }
    cursor = span.end;
    previous = span.name;
  }
  if (layout.trailerStart !== cursor) {
    return `${layout.trailerStart - cursor} bytes at offset ${cursor}, after the central directory, are not part of the zip's end records`;
  }
  return undefined;
}

/**
 * Splits a byte stream into lines in linear time: a line that spans chunks is assembled once,
 * when its newline arrives, and a line longer than `limit` throws `LimitExceeded`. The bytes after
 * the last newline, if any, are the last line.
 */
export class LineSplitter {
  private pieces: Uint8Array[] = [];
  private pending = 0;
  private count = 0;

  constructor(
    private readonly onLine: (line: Uint8Array) => void,
    private readonly limit = AUDIT_LINE_LIMIT,
  ) {}

  push(chunk: Uint8Array): void {
    let start = 0;
    let newline: number;
    while ((newline = chunk.indexOf(0x0a, start)) !== -1) {
      this.emit(chunk.subarray(start, newline));
      start = newline + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  end(): void {
    if (this.pending > 0) this.emit(new Uint8Array(0));
  }

  private hold(piece: Uint8Array): void {
    this.pending += piece.length;
    if (this.pending > this.limit) {
      throw new LimitExceeded(
        `line ${this.count + 1} is longer than the verifier's limit of ${this.limit} bytes`,
      );
    }
    this.pieces.push(piece);
  }

  private emit(tail: Uint8Array): void {
    let line = tail;
    if (this.pieces.length > 0) {
      this.hold(tail);
      line = new Uint8Array(this.pending);
      let at = 0;
      for (const piece of this.pieces) {
        line.set(piece, at);
        at += piece.length;
      }
      this.pieces = [];
      this.pending = 0;
    } else if (tail.length > this.limit) {
      this.hold(tail);
    }
    this.count++;
    this.onLine(line);
  }
}

/** What one audit-log line says: a malformed event, or an event at a time outside the period. */
export class AuditLineTally {
  malformed = 0;
  outsidePeriod?: string;

  constructor(private readonly period: Manifest['period'] | undefined) {}

  add(line: Uint8Array): void {
    let parsed: { id?: unknown; malformed?: unknown; timestamp?: unknown } = {};
    try {
      parsed = JSON.parse(text(line)) as typeof parsed;
    } catch {
      parsed = { malformed: true };
    }
    if (parsed.malformed === true) this.malformed++;
    else if (this.period && this.outsidePeriod === undefined) {
      const t = parsed.timestamp;
      if (typeof t !== 'string') return;
      const { start, end } = this.period;
      if (!(Date.parse(t) >= Date.parse(start) && Date.parse(t) < Date.parse(end))) {
        this.outsidePeriod = `event ${String(parsed.id)} at ${t}`;
      }
    }
  }
}

/**
 * audit-log.ndjson fed chunk by chunk as it inflates: its SHA-256 and size, the Merkle root over
 * its lines, and the line tally. Memory: one line. Both zip readers (Node, browser) use it.
 */
export class AuditLogDigester {
  private readonly hash: ReturnType<HashFactory>;
  private readonly merkle: MerkleAccumulator;
  private readonly tally: AuditLineTally;
  private readonly lines: LineSplitter;
  private size = 0;

  constructor(sha256: HashFactory, period: Manifest['period'] | undefined) {
    this.hash = sha256();
    this.merkle = new MerkleAccumulator(sha256);
    this.tally = new AuditLineTally(period);
    this.lines = new LineSplitter((line) => {
      this.merkle.add(line);
      this.tally.add(line);
    });
  }

  /** Throws LimitExceeded for a line over AUDIT_LINE_LIMIT. */
  push(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    this.lines.push(chunk);
  }

  end(): AuditLogDigest {
    this.lines.end();
    return {
      sha256: toHex(this.hash.digest()),
      size: this.size,
      merkleRoot: this.merkle.root(),
      lines: this.merkle.leafCount,
      malformed: this.tally.malformed,
      outsidePeriod: this.tally.outsidePeriod,
    };
  }
}

/** The period from unverified manifest bytes, only to test event timestamps against it. */
export function periodOf(manifestBytes: Uint8Array | undefined): Manifest['period'] | undefined {
  if (!manifestBytes) return undefined;
  try {
    return manifestSchema.shape.period.parse(
      (JSON.parse(text(manifestBytes)) as { period?: unknown }).period,
    );
  } catch {
    return undefined;
  }
}

export function zipChecks(contents: BundleContents): Check[] {
  const read = pass('zip', `${contents.entryCount} entries read`);
  if (contents.duplicates.length === 0) return [read];
  return [read, fail('zip', `duplicate entries: ${contents.duplicates.join(', ')}`)];
}

/**
 * manifest.json and manifest.sig present and within their limits, and the signature over the
 * manifest's exact bytes valid: before anything is parsed, since nothing unsigned is trusted.
 */
export async function signatureChecks(
  contents: BundleContents,
  verifies: SignatureVerifier,
): Promise<Check[]> {
  const { manifest: manifestName, signature: signatureName } = BUNDLE_FILES;
  const manifest = contents.whole.get(manifestName);
  if (!manifest) {
    return [fail('manifest', contents.refused.get(manifestName) ?? `${manifestName} is missing`)];
  }
  const signature = contents.whole.get(signatureName);
  const refused = contents.refused.get(signatureName);
  if (!signature && !refused) return [fail('signature', `${signatureName} is missing`)];
  if (refused || signature!.length !== 64) {
    return [fail('signature', refused ?? `${signatureName} is ${signature!.length} bytes, not 64`)];
  }
  if (!(await verifies(manifest, signature!))) {
    return [
      fail(
        'signature',
        `${signatureName} does not verify ${manifestName} with the given public key`,
      ),
    ];
  }
  return [pass('signature', 'Ed25519 signature over manifest.json verifies')];
}

export function parseManifest(bytes: Uint8Array): { manifest?: Manifest; checks: Check[] } {
  try {
    return { manifest: manifestSchema.parse(JSON.parse(text(bytes))), checks: [] };
  } catch (error) {
    return {
      checks: [
        fail('manifest', `manifest.json is not a valid manifest: ${(error as Error).message}`),
      ],
    };
  }
}

/** What the auditor expects the bundle to be about; only the given ones are checked. */
export interface Expectations {
  expectedKeyId?: string;
  expectedAccountId?: string;
  expectedPeriodId?: string;
}

export function expectationChecks(manifest: Manifest, expected: Expectations): Check[] {
  const pairs: [string, string | undefined, string][] = [
    ['key id', expected.expectedKeyId, manifest.signature.keyId],
    ['account', expected.expectedAccountId, manifest.accountId],
    ['period', expected.expectedPeriodId, manifest.period.id],
  ];
  return pairs
    .filter(([, wanted]) => wanted !== undefined)
    .map(([name, wanted, actual]) =>
      wanted === actual
        ? pass(name, actual)
        : fail(name, `manifest says ${actual}, expected ${wanted}`),
    );
}

/** Every listed file present with the signed hash and size, every required one listed, nothing extra. */
export function fileChecks(manifest: Manifest, contents: BundleContents): Check[] {
  const checks: Check[] = [];
  const listed = new Set(manifest.files.map((f) => f.name));
  for (const file of manifest.files) {
    const name = `file ${file.name}`;
    const found = contents.digests.get(file.name);
    const refused = contents.refused.get(file.name);
    if (refused) checks.push(fail(name, `not read: ${refused}`));
    else if (!found) checks.push(fail(name, 'listed in the manifest but missing'));
    else if (found.sha256 !== file.sha256 || found.size !== file.size) {
      checks.push(
        fail(
          name,
          `content differs from the manifest (sha256 ${found.sha256}, ${found.size} bytes; manifest ${file.sha256}, ${file.size} bytes)`,
        ),
      );
    } else checks.push(pass(name, `sha256 ${file.sha256}`));
  }
  for (const [name, since] of Object.entries(FILES_REQUIRED_SINCE)) {
    if (manifest.version >= since && !listed.has(name)) {
      checks.push(
        fail(
          `file ${name}`,
          `not listed, but every version ${since}+ manifest lists it (this one is version ${manifest.version})`,
        ),
      );
    }
  }
  const unsigned = new Set<string>([BUNDLE_FILES.manifest, BUNDLE_FILES.signature]);
  for (const name of new Set([...contents.digests.keys(), ...contents.refused.keys()])) {
    if (!listed.has(name) && !unsigned.has(name)) {
      checks.push(fail(`file ${name}`, 'present in the zip but not in the manifest'));
    }
  }
  return checks;
}

/** The audit log's Merkle root, line count and event times against the manifest. */
export function auditLogChecks(manifest: Manifest, contents: BundleContents): Check[] {
  const name = BUNDLE_FILES.auditLog;
  const log = contents.digests.get(name) as AuditLogDigest | undefined;
  if (!log) {
    const refused = contents.refused.get(name);
    return [fail('merkle root', refused ? `${name} not read: ${refused}` : `${name} is missing`)];
  }
  const { merkle, period } = manifest;
  return [
    log.merkleRoot === merkle.root && log.lines === merkle.leafCount
      ? pass('merkle root', `${merkle.root} over ${log.lines} lines`)
      : fail(
          'merkle root',
          `recomputed ${log.merkleRoot} over ${log.lines} lines of ${name}; manifest says ${merkle.root} over ${merkle.leafCount}`,
        ),
    log.lines === manifest.eventCount && log.malformed === manifest.malformedEventCount
      ? pass('event count', `${log.lines} events (${log.malformed} malformed)`)
      : fail(
          'event count',
          `${name} has ${log.lines} lines (${log.malformed} malformed); manifest says ${manifest.eventCount} (${manifest.malformedEventCount})`,
        ),
    log.outsidePeriod === undefined
      ? pass('event times', `all within [${period.start}, ${period.end})`)
      : fail('event times', `${log.outsidePeriod} is outside the period`),
  ];
}

/** A field of a kept JSON file; `value` undefined when the file is not JSON or not an object. */
function jsonField(
  bytes: Uint8Array | undefined,
  pick: (json: Record<string, unknown>) => unknown,
): { present: boolean; value?: unknown } {
  if (!bytes) return { present: false };
  try {
    const json: unknown = JSON.parse(text(bytes));
    return {
      present: true,
      value: json && typeof json === 'object' ? pick(json as Record<string, unknown>) : undefined,
    };
  } catch {
    return { present: true };
  }
}

/** Files whose content must agree with the manifest (account, period), not just hash to it. */
export function crossFileChecks(manifest: Manifest, whole: Map<string, Uint8Array>): Check[] {
  const [reportName, complianceName] = CROSS_CHECKED;
  const checks: Check[] = [];
  const reportAccount = jsonField(whole.get(reportName), (r) => r.accountId);
  if (reportAccount.present) {
    checks.push(
      reportAccount.value === manifest.accountId
        ? pass('report account', `report.json is about ${manifest.accountId}`)
        : fail(
            'report account',
            `report.json is about ${String(reportAccount.value)}, the manifest about ${manifest.accountId}`,
          ),
    );
  }
  const covered = jsonField(
    whole.get(complianceName),
    (c) => `[${String(c.periodStart)}, ${String(c.periodEnd)})`,
  );
  if (covered.present) {
    const expected = `[${manifest.period.start}, ${manifest.period.end})`;
    checks.push(
      covered.value === expected
        ? pass('compliance period', `compliance.json covers ${expected}`)
        : fail(
            'compliance period',
            `compliance.json covers ${String(covered.value)}, the manifest ${expected}`,
          ),
    );
  }
  return checks;
}

/** The link to the previous bundle's manifest (its bytes and their SHA-256), when given. */
export function chainCheck(
  manifest: Manifest,
  previous: { bytes: Uint8Array; sha256: string } | undefined,
): Check {
  if (!previous) {
    return pass(
      'chain',
      manifest.previousManifestSha256 === null
        ? 'first bundle of this account (no previous manifest)'
        : `not checked: no previous manifest given (the CLI takes --previous) for link ${manifest.previousManifestSha256}`,
    );
  }
  if (previous.sha256 !== manifest.previousManifestSha256) {
    return fail(
      'chain',
      `previous manifest has sha256 ${previous.sha256}; this manifest links to ${String(manifest.previousManifestSha256)}`,
    );
  }
  const parsed = parseManifest(previous.bytes).manifest;
  if (!parsed) return fail('chain', 'the previous manifest is not a valid manifest');
  if (parsed.accountId !== manifest.accountId) {
    return fail('chain', `previous manifest is for account ${parsed.accountId}`);
  }
  if (Date.parse(parsed.period.end) > Date.parse(manifest.period.start)) {
    return fail('chain', `previous period ${parsed.period.id} overlaps this one`);
  }
  if (Date.parse(parsed.period.end) < Date.parse(manifest.period.start)) {
    return fail(
      'chain',
      `gap: previous period ${parsed.period.id} ends ${parsed.period.end}, this one starts ${manifest.period.start}; the evidence in between is in no bundle of this chain`,
    );
  }
  return pass('chain', `links to ${parsed.period.id} (${previous.sha256})`);
}
