import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { main } from '../../../functions/cli/main';
import { rfc8032Key, testSigner } from '../../support/bundleKeys';
import {
  auditEvent,
  buildToFile,
  fromArray,
  QUARTER,
  sampleCompliance,
  sampleFiles,
  tamper,
  tempDir,
} from '../../support/bundleZip';
import { sampleReport } from '../../support/reportFixtures';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  const error = jest
    .spyOn(console, 'error')
    .mockImplementation((line: string) => void err.push(line));
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('soc2-evidence verify', () => {
  const dir = tempDir();
  const keyPath = join(dir, 'key.pem');
  let bundle: string;
  let previousPath: string;

  beforeAll(async () => {
    writeFileSync(keyPath, rfc8032Key(0).publicPem);
    const content = {
      accountId: 'acme',
      generatedAt: new Date('2026-10-01T02:00:00Z'),
      files: sampleFiles('acme'),
      report: sampleReport('acme'),
      signer: testSigner(0),
    };
    const q2 = { id: '2026-Q2', start: new Date('2026-04-01T00:00:00Z'), end: QUARTER.start };
    const first = await buildToFile({
      ...content,
      period: q2,
      compliance: sampleCompliance(q2),
      previousManifestSha256: null,
      events: fromArray([]),
    });
    previousPath = join(dir, 'previous-manifest.json');
    writeFileSync(previousPath, first.built.manifestBytes);
    bundle = (
      await buildToFile({
        ...content,
        period: QUARTER,
        compliance: sampleCompliance(QUARTER),
        previousManifestSha256: first.built.manifestSha256,
        events: fromArray([auditEvent('e1', QUARTER.start)]),
      })
    ).path;
  });

  it('prints every check and exits 0 when all hold', async () => {
    const { code, out } = await run([
      'verify',
      bundle,
      '--public-key',
      keyPath,
      '--previous',
      previousPath,
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/^ok {4}signature: Ed25519 signature over manifest.json verifies$/m);
    expect(out).toMatch(/^ok {4}merkle root: [0-9a-f]{64} over 1 lines$/m);
    expect(out).toMatch(/^ok {4}chain: links to 2026-Q2/m);
    expect(out).toMatch(/bundle verified$/);
  });

  it('exits 1 and names the broken file when a bundle was tampered with', async () => {
    const tampered = await tamper(bundle, (entries) =>
      entries.map(([n, b]) => [n, n === 'vendors.csv' ? Buffer.concat([b, Buffer.from('x')]) : b]),
    );
    const { code, out } = await run(['verify', tampered, '--public-key', keyPath]);
    expect(code).toBe(1);
    expect(out).toMatch(/^FAIL {2}file vendors\.csv: content differs from the manifest/m);
    expect(out).toMatch(/bundle NOT verified$/);
  });

  it('exits 1 and names the OSCAL file when it was changed', async () => {
    const tampered = await tamper(bundle, (entries) =>
      entries.map(([n, b]) => [
        n,
        n === 'oscal-assessment-results.json'
          ? Buffer.from(b.toString('utf8').replace('"TEST"', '"EXAMINE"'))
          : b,
      ]),
    );
    const { code, out } = await run(['verify', tampered, '--public-key', keyPath]);
    expect(code).toBe(1);
    expect(out).toMatch(
      /^FAIL {2}file oscal-assessment-results\.json: content differs from the manifest/m,
    );
    expect(out).toMatch(/bundle NOT verified$/);
  });

  it('exits 1 and names access-reviews.json when a decision in it was changed', async () => {
    const tampered = await tamper(bundle, (entries) =>
      entries.map(([n, b]) => [
        n,
        n === 'access-reviews.json' ? Buffer.from(b.toString('utf8').replace('[]', '[{}]')) : b,
      ]),
    );
    const { code, out } = await run(['verify', tampered, '--public-key', keyPath]);
    expect(code).toBe(1);
    expect(out).toMatch(/^FAIL {2}file access-reviews\.json: content differs from the manifest/m);
    expect(out).toMatch(/bundle NOT verified$/);
  });

  it('exits 1 and names access-reviews.json when it was removed', async () => {
    const tampered = await tamper(bundle, (entries) =>
      entries.filter(([n]) => n !== 'access-reviews.json'),
    );
    const { code, out } = await run(['verify', tampered, '--public-key', keyPath]);
    expect(code).toBe(1);
    expect(out).toMatch(/^FAIL {2}file access-reviews\.json/m);
  });

  it('exits 1 when the expected account differs', async () => {
    const { code, out } = await run([
      'verify',
      bundle,
      '--public-key',
      keyPath,
      '--account',
      'globex',
    ]);
    expect(code).toBe(1);
    expect(out).toContain('FAIL  account: manifest says acme, expected globex');
  });

  it('--key-url takes the public-key endpoint and checks the manifest names that key', async () => {
    let keyId = 'rfc8032-test-1';
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keyId, algorithm: 'Ed25519', publicKey: rfc8032Key(0).publicPem }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/soc2-evidence/public-key`;
    try {
      const matching = await run(['verify', bundle, '--key-url', url]);
      expect(matching.code).toBe(0);
      expect(matching.out).toContain('ok    key id: rfc8032-test-1');
      keyId = 'rotated-2027';
      const rotated = await run(['verify', bundle, '--key-url', url]);
      expect(rotated.code).toBe(1);
      expect(rotated.out).toContain(
        'FAIL  key id: manifest says rfc8032-test-1, expected rotated-2027',
      );
    } finally {
      server.close();
    }
  });

  it('exits 2 with usage when no key is given or the command is unknown', async () => {
    const noKey = await run(['verify', bundle]);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('verify needs --public-key <pem file> or --key-url <url>');
    const unknown = await run(['sign', bundle]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "sign"');
    const badFlag = await run(['verify', bundle, '--public-key', keyPath, '--nope']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.err).toContain("Unknown option '--nope'");
  });
});
