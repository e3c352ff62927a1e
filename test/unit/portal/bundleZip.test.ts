import { readFileSync } from 'node:fs';
import { verifyBundle, type VerifyResult } from '../../../functions/bundle/verify';
import { verifyBundleContents, type VerifyOptions } from '../../../functions/bundle/verifyContents';
import { keyFingerprint, webCrypto } from '../../../functions/bundle/webCrypto';
import { createHash, createPublicKey } from 'node:crypto';
import { readBundleBytes, readWholeEntry } from '../../../portal/src/verify/bundleZip';
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
} from '../../support/bundleZip';
import { deflatedEntry, repeatedDeflated, storedEntry, writeRawZip } from '../../support/rawZip';
import { sampleReport } from '../../support/reportFixtures';

/**
 * The portal's verifier (fflate reader, WebCrypto Ed25519, TypeScript SHA-256) against the CLI's
 * (yauzl, node:crypto) on the same zips: the same checks, word for word, pass or fail.
 */

const publicKeyPem = rfc8032Key(0).publicPem;
const MiB = 1024 * 1024;

const inBrowser = (zip: Uint8Array, options: VerifyOptions): Promise<VerifyResult> =>
  verifyBundleContents(() => readBundleBytes(zip, webCrypto.sha256), options, webCrypto);

/** Both verifiers' checks for one zip file. */
async function both(path: string, options: VerifyOptions = { publicKeyPem }) {
  const node = await verifyBundle(path, options);
  const browser = await inBrowser(new Uint8Array(readFileSync(path)), options);
  return { node, browser };
}

const lines = (r: VerifyResult) =>
  r.checks.map((c) => `${c.ok ? 'ok' : 'FAIL'} ${c.name}: ${c.detail}`);

describe("the portal's in-browser verifier", () => {
  let genuine: string;

  beforeAll(async () => {
    const events = Array.from({ length: 40 }, (_, i) =>
      auditEvent(`e${i}`, new Date(QUARTER.start.getTime() + i * 3_600_000)),
    );
    genuine = (
      await buildToFile({
        accountId: 'acme',
        period: QUARTER,
        generatedAt: new Date('2026-10-01T02:00:00Z'),
        previousManifestSha256: null,
        files: sampleFiles('acme'),
        report: sampleReport('acme'),
        compliance: sampleCompliance(QUARTER),
        events: fromArray(events),
        signer: testSigner(0),
      })
    ).path;
  });

  it('verifies a genuine bundle with the same checks as the CLI', async () => {
    const { node, browser } = await both(genuine);
    expect(browser.ok).toBe(true);
    expect(lines(browser)).toEqual(lines(node));
    expect(browser.manifestSha256).toBe(node.manifestSha256);
  });

  it('a changed event fails the file hash and the Merkle root, as in the CLI', async () => {
    const changed = await tamper(genuine, (entries) =>
      entries.map(([n, b]) =>
        n === 'audit-log.ndjson'
          ? [n, Buffer.from(b.toString('utf8').replace('"e3"', '"e9"'))]
          : [n, b],
      ),
    );
    const { node, browser } = await both(changed);
    expect(browser.ok).toBe(false);
    expect(lines(browser)).toEqual(lines(node));
    expect(lines(browser).filter((l) => l.startsWith('FAIL'))).toEqual([
      expect.stringMatching(/^FAIL file audit-log\.ndjson: content differs/),
      expect.stringMatching(/^FAIL merkle root: recomputed/),
    ]);
  });

  it('another key fails the signature, and text that is no PEM key fails first', async () => {
    const wrongKey = await both(genuine, { publicKeyPem: rfc8032Key(1).publicPem });
    expect(lines(wrongKey.browser)).toEqual(lines(wrongKey.node));
    expect(lines(wrongKey.browser)).toContain(
      'FAIL signature: manifest.sig does not verify manifest.json with the given public key',
    );
    const noKey = await both(genuine, { publicKeyPem: 'not a key' });
    expect(lines(noKey.browser)).toEqual(lines(noKey.node));
  });

  it('duplicate names, unlisted files and bytes outside the central directory fail alike', async () => {
    const entries = await readZip(genuine);
    const dup = await tamper(genuine, (e) => [...e, ['report.json', Buffer.from('{}')]]);
    const extra = await tamper(genuine, (e) => [...e, ['extra.txt', Buffer.from('x')]]);
    for (const path of [dup, extra]) {
      const { node, browser } = await both(path);
      expect(lines(browser)).toEqual(lines(node));
      expect(browser.ok).toBe(false);
    }
    const raw = entries.map(([name, bytes]) => deflatedEntry(name, bytes));
    const hidden = writeRawZip(raw, {
      hidden: new Map([[2, storedEntry('report.json', Buffer.from('{"accountId":"evil"}'))]]),
    });
    const browser = await inBrowser(hidden, { publicKeyPem });
    expect(lines(browser)).toEqual([
      expect.stringMatching(
        /^FAIL zip: the zip cannot be read: \d+ bytes at offset \d+, between .* are not part of any entry of the central directory$/,
      ),
    ]);
  });

  it('an entry that inflates past its declared size is stopped there', async () => {
    const entries = (await readZip(genuine)).map(([name, bytes]) => deflatedEntry(name, bytes));
    const lying = repeatedDeflated('vendors.csv', Buffer.alloc(MiB, 0x20), 64);
    lying.uncompressedSize = 1024;
    const zip = writeRawZip(entries.map((e) => (e.name === 'vendors.csv' ? lying : e)));
    const result = await inBrowser(zip, { publicKeyPem });
    expect(lines(result)).toEqual([
      'FAIL zip: the zip cannot be read: vendors.csv: more bytes than its declared 1024',
    ]);
  });

  it("reads the previous bundle's manifest for the chain, and fingerprints the key like openssl", async () => {
    const manifest = new Map(await readZip(genuine)).get('manifest.json')!;
    expect(Buffer.from(await readWholeEntry(readFileSync(genuine), 'manifest.json'))).toEqual(
      manifest,
    );
    const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(keyFingerprint(publicKeyPem)).toBe(createHash('sha256').update(der).digest('hex'));
    expect(
      keyFingerprint('-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----'),
    ).toBeUndefined();
  });
});
