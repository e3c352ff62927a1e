import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import type { StreamedAuditEvent } from '../../functions/audit/events';
import { buildBundle, type BuiltBundle, type BundleContent } from '../../functions/bundle/builder';
import type { Period } from '../../functions/bundle/period';
import type { ComplianceExport } from '../../functions/compliance/export';
import { utcDay } from '../../functions/domain/time';
import type { AuditLog } from '../../functions/schema/documents';

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'bundle-test-'));

export async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

export function auditEvent(
  id: string,
  at: Date,
  overrides: Partial<AuditLog> = {},
): StreamedAuditEvent {
  return {
    id,
    event: {
      timestamp: at,
      actorId: 'user-1',
      actorEmail: 'one@example.com',
      action: 'recipe.execute',
      resourceType: 'recipe',
      resourceId: 'r1',
      result: 'success',
      ...overrides,
    },
  };
}

/** Small rendered files standing in for report.json and the catalogs. */
export function sampleFiles(accountId: string): BundleContent['files'] {
  const report = {
    version: '1.0.0',
    accountId,
    generatedAt: '2026-10-01T00:00:00.000Z',
    complete: true,
    sections: {},
  };
  return [
    { name: 'report.json', content: Buffer.from(JSON.stringify(report)) },
    {
      name: 'access-review.csv',
      content: Buffer.from('uid,email,role\r\nu1,one@example.com,owner\r\n'),
    },
    { name: 'vendors.csv', content: Buffer.from('id,name\r\ngcp,Google Cloud\r\n') },
    { name: 'encryption.csv', content: Buffer.from('id,algorithm\r\ntls,TLS 1.3\r\n') },
    { name: 'incident-response.md', content: Buffer.from('# Incident response\n') },
    { name: 'changes.json', content: Buffer.from('{"since":null}') },
    { name: 'access-reviews.json', content: Buffer.from('{"accessReviews":[],"malformed":[]}') },
  ];
}

/** compliance.json content for a period: one day of one control's results, nothing open. */
export function sampleCompliance(period: Period): ComplianceExport {
  const result = {
    controlId: 'owner-limit',
    status: 'pass' as const,
    measured: 1,
    threshold: 'owners ≤ 3',
    detail: '1 owner',
    offenders: [],
    evidence: [
      { source: 'report' as const, section: 'accessReview' as const, pointer: '/members' },
    ],
    evaluatedAt: period.start.toISOString(),
  };
  return {
    periodStart: period.start.toISOString(),
    periodEnd: period.end.toISOString(),
    controlResults: [
      {
        controlId: 'owner-limit',
        day: utcDay(period.start),
        first: result,
        last: result,
        statusesSeen: ['pass'],
        evaluations: 1,
      },
    ],
    malformedControlResults: 0,
    findings: [],
    incidents: [],
    malformed: { findings: [], incidents: [] },
  };
}

/** Builds a bundle into a temp file, the same streaming path the archiver uses. */
export async function buildToFile(
  content: BundleContent,
  dir = tempDir(),
  name = 'bundle.zip',
): Promise<{ path: string; built: BuiltBundle }> {
  const path = join(dir, name);
  const { stream, done } = buildBundle(content);
  const [, built] = await Promise.all([pipeline(stream, createWriteStream(path)), done]);
  return { path, built };
}

export const QUARTER: Period = {
  id: '2026-Q3',
  start: new Date('2026-07-01T00:00:00.000Z'),
  end: new Date('2026-10-01T00:00:00.000Z'),
};

/** Every entry of a zip, in order. */
export async function readZip(path: string): Promise<[string, Buffer][]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))),
  );
  const entries: [string, Buffer][] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.on('entry', (entry: yauzl.Entry) =>
      zip.openReadStream(entry, async (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        entries.push([entry.fileName, Buffer.concat(chunks)]);
        zip.readEntry();
      }),
    );
    zip.readEntry();
  });
  return entries;
}

/** Writes a new zip from entries (a tampered copy of a bundle). */
export async function writeZip(path: string, entries: [string, Buffer][]): Promise<string> {
  const zip = new ZipFile();
  for (const [name, bytes] of entries) zip.addBuffer(bytes, name);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
  return path;
}

export async function tamper(
  source: string,
  change: (entries: [string, Buffer][]) => [string, Buffer][],
): Promise<string> {
  const entries = await readZip(source);
  return writeZip(join(tempDir(), 'tampered.zip'), change(entries));
}

export function truncate(source: string, keepBytes: number): string {
  const path = join(tempDir(), 'truncated.zip');
  writeFileSync(path, readFileSync(source).subarray(0, keepBytes));
  return path;
}

/**
 * What `openssl pkeyutl -verify` prints for a manifest and its signature — the command README.txt
 * gives auditors, run exactly as written there.
 */
export function opensslVerify(manifest: Buffer, signature: Buffer, publicKeyPem: string): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'manifest.json'), manifest);
  writeFileSync(join(dir, 'manifest.sig'), signature);
  writeFileSync(join(dir, 'key.pem'), publicKeyPem);
  return execFileSync(
    'openssl',
    [
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      'key.pem',
      '-rawin',
      '-in',
      'manifest.json',
      '-sigfile',
      'manifest.sig',
    ],
    { cwd: dir, encoding: 'utf8' },
  ).trim();
}
