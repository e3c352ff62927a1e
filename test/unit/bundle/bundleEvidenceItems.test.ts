import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { BundleContent, EvidenceFile } from '../../../functions/bundle/builder';
import { verifyBundle, type VerifyResult } from '../../../functions/bundle/verify';
import { verifyBundleContents } from '../../../functions/bundle/verifyContents';
import { webCrypto } from '../../../functions/bundle/webCrypto';
import { evidenceItemEntryName } from '../../../functions/schema/manifest';
import { readBundleBytes } from '../../../portal/src/verify/bundleZip';
import { rfc8032Key, testSigner } from '../../support/bundleKeys';
import {
  auditEvent,
  buildToFile,
  fromArray,
  QUARTER,
  readZip,
  sampleCompliance,
  sampleFiles,
  tamper,
  tempDir,
} from '../../support/bundleZip';
import { readPdf, sampleReport } from '../../support/reportFixtures';

/**
 * Evidence items' files in a bundle (CONTRACT §10): streamed in under `evidence/<id>/<fileName>`,
 * hashed in the manifest, accepted by both verifiers, and a changed one fails by name.
 */

const publicKeyPem = rfc8032Key(0).publicPem;

function evidenceFile(itemId: string, fileName: string, bytes: Buffer): EvidenceFile {
  return {
    name: evidenceItemEntryName(itemId, fileName),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    item: {
      title: `Evidence ${itemId}`,
      criteria: ['CC4.1', 'CC7.1'],
      effectiveAt: '2026-08-15T00:00:00.000Z',
      expiresAt: null,
    },
    open: () => Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]),
  };
}

const PENTEST = Buffer.from('%PDF-1.7 penetration test report\n'.repeat(2000));
const TRAINING = Buffer.from('name,completed\nada,2026-08-01\n');

function content(evidenceFiles: EvidenceFile[]): BundleContent {
  return {
    accountId: 'acme',
    period: QUARTER,
    generatedAt: new Date('2026-10-01T02:00:00Z'),
    previousManifestSha256: null,
    files: sampleFiles('acme'),
    report: sampleReport('acme'),
    compliance: sampleCompliance(QUARTER),
    events: fromArray([auditEvent('e1', QUARTER.start)]),
    evidenceFiles,
    signer: testSigner(0),
  };
}

const failures = (r: VerifyResult) =>
  r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);

const inBrowser = (path: string) =>
  verifyBundleContents(
    () => readBundleBytes(new Uint8Array(readFileSync(path)), webCrypto.sha256),
    { publicKeyPem },
    webCrypto,
  );

describe('evidence items in a bundle', () => {
  const pentestName = 'evidence/item-1/pentest report (2026).pdf';
  let bundlePath: string;

  beforeAll(async () => {
    bundlePath = (
      await buildToFile(
        content([
          evidenceFile('item-1', 'pentest report (2026).pdf', PENTEST),
          evidenceFile('item-2', 'training.csv', TRAINING),
        ]),
      )
    ).path;
  });

  it('holds each file under evidence/<id>/<fileName> with its bytes, hashed in the manifest', async () => {
    const entries = new Map(await readZip(bundlePath));
    expect(entries.get(pentestName)).toEqual(PENTEST);
    expect(entries.get('evidence/item-2/training.csv')).toEqual(TRAINING);
    const result = await verifyBundle(bundlePath, { publicKeyPem });
    expect(failures(result)).toEqual([]);
    expect(result.manifest?.files).toEqual(
      expect.arrayContaining([
        {
          name: pentestName,
          sha256: createHash('sha256').update(PENTEST).digest('hex'),
          size: PENTEST.length,
        },
      ]),
    );
  });

  it('report.pdf lists each item with its file name and the SHA-256 the manifest carries', async () => {
    const entries = new Map(await readZip(bundlePath));
    const { text } = readPdf(entries.get('report.pdf')!, tempDir());
    const chapter = text.slice(text.lastIndexOf('Evidence items'));
    expect(chapter).toContain('Evidence item-1');
    expect(chapter).toContain('2026-08-15');
    expect(chapter.replace(/\s+/g, '')).toContain('evidence/item-2/training.csv');
    expect(chapter.replace(/\s+/g, '')).toContain(
      createHash('sha256').update(TRAINING).digest('hex'),
    );
  });

  it('the browser verifier accepts the same bundle with the same checks', async () => {
    const node = await verifyBundle(bundlePath, { publicKeyPem });
    const browser = await inBrowser(bundlePath);
    expect(browser.ok).toBe(true);
    expect(browser.checks).toEqual(node.checks);
  });

  it('a changed evidence file fails naming it, in both verifiers', async () => {
    const path = await tamper(bundlePath, (entries) =>
      entries.map(([n, b]) => [
        n,
        n === pentestName ? Buffer.from(b.toString().replace('test', 'tost')) : b,
      ]),
    );
    const expected = new RegExp(`^file ${pentestName.replace(/[().]/g, '\\$&')}: content differs`);
    expect(failures(await verifyBundle(path, { publicKeyPem }))).toEqual([
      expect.stringMatching(expected),
    ]);
    expect(failures(await inBrowser(path))).toEqual([expect.stringMatching(expected)]);
  });

  it('a bundle without evidence items lists no evidence/ entry', async () => {
    const { built } = await buildToFile(content([]));
    expect(built.manifest.files.filter((f) => f.name.startsWith('evidence/'))).toEqual([]);
  });

  it('a file whose bytes differ from those recorded at upload fails the build loudly', async () => {
    const recorded = evidenceFile('item-3', 'scan.txt', Buffer.from('scan as uploaded'));
    const changed = { ...recorded, open: () => Readable.from([Buffer.from('scan as replaced')]) };
    await expect(buildToFile(content([changed]))).rejects.toThrow(
      /evidence\/item-3\/scan\.txt in Storage is 16 bytes with SHA-256 [0-9a-f]{64}, but 16 bytes with SHA-256 [0-9a-f]{64} were recorded at upload; the bundle is not sealed/,
    );
  });
});
