import { ValidationError } from '../../../functions/domain/errors';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { verifyBundle, type VerifyResult } from '../../../functions/bundle/verify';
import { serializeManifest, type BundleContent } from '../../../functions/bundle/builder';
import type { Manifest } from '../../../functions/schema/bundle';
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
  truncate,
} from '../../support/bundleZip';
import { oscalErrors } from '../../support/oscalSchema';
import { readPdf, sampleReport } from '../../support/reportFixtures';

const publicKeyPem = rfc8032Key(0).publicPem;

function content(accountId = 'acme', overrides: Partial<BundleContent> = {}): BundleContent {
  const events = [
    auditEvent('e1', QUARTER.start),
    auditEvent('e2', new Date('2026-08-15T10:00:00Z'), {
      action: 'role.assign',
      actorId: 'admin-1',
    }),
    {
      id: 'e3',
      malformed: new ValidationError('accounts/acme/auditLogs/e3', [
        { path: 'action', message: 'dotted action name' },
      ]),
      raw: { action: 'BAD', timestamp: QUARTER.start },
    },
    auditEvent('e4', new Date(QUARTER.end.getTime() - 1)),
  ];
  return {
    accountId,
    period: QUARTER,
    generatedAt: new Date('2026-10-01T02:00:00Z'),
    previousManifestSha256: null,
    files: sampleFiles(accountId),
    report: sampleReport(accountId),
    compliance: sampleCompliance(overrides.period ?? QUARTER),
    events: fromArray(events),
    signer: testSigner(0),
    ...overrides,
  };
}

const failures = (r: VerifyResult) =>
  r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);

describe('bundle build and offline verification', () => {
  let bundlePath: string;

  beforeAll(async () => {
    bundlePath = (await buildToFile(content())).path;
  });

  it('a freshly built bundle passes every check', async () => {
    const result = await verifyBundle(bundlePath, {
      publicKeyPem,
      expectedKeyId: 'rfc8032-test-1',
    });
    expect(failures(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.manifest).toMatchObject({
      eventCount: 4,
      malformedEventCount: 1,
      accountId: 'acme',
    });
    expect(result.manifest?.files.map((f) => f.name)).toEqual([
      'README.txt',
      'access-review.csv',
      'access-reviews.json',
      'audit-log-summary.csv',
      'audit-log.ndjson',
      'changes.json',
      'compliance.json',
      'encryption.csv',
      'incident-response.md',
      'oscal-assessment-results.json',
      'report.json',
      'report.pdf',
      'vendors.csv',
    ]);
    expect(result.manifest?.version).toBe(3);
  });

  it("carries the period's control results, findings and incidents as compliance.json", async () => {
    const entries = new Map(await readZip(bundlePath));
    expect(JSON.parse(entries.get('compliance.json')!.toString('utf8'))).toEqual(
      sampleCompliance(QUARTER),
    );
    const result = await verifyBundle(bundlePath, { publicKeyPem });
    expect(result.checks.find((c) => c.name === 'compliance period')).toEqual({
      name: 'compliance period',
      ok: true,
      detail: `compliance.json covers [${QUARTER.start.toISOString()}, ${QUARTER.end.toISOString()})`,
    });
  });

  it('holds OSCAL assessment results valid against the official schema, citing files by their signed hashes', async () => {
    const entries = new Map(await readZip(bundlePath));
    const oscal = JSON.parse(entries.get('oscal-assessment-results.json')!.toString('utf8'));
    expect(oscalErrors(oscal)).toEqual([]);
    const [result] = oscal['assessment-results'].results;
    expect(result.start).toBe(QUARTER.start.toISOString());
    expect(result.observations).toHaveLength(1);
    const { manifest } = await verifyBundle(bundlePath, { publicKeyPem });
    const signed = new Map(manifest!.files.map((f) => [f.name, f.sha256]));
    const evidence = result.observations[0]['relevant-evidence'] as {
      href: string;
      props: { name: string; value: string }[];
    }[];
    expect(evidence.map((e) => e.href)).toContain('compliance.json');
    for (const e of evidence) expect(e.props[0].value).toBe(signed.get(e.href));
  });

  it("report.pdf's cover prints what the signed manifest carries: Merkle root, events, hashes", async () => {
    const entries = new Map(await readZip(bundlePath));
    const { manifest } = await verifyBundle(bundlePath, { publicKeyPem });
    const pdf = readPdf(entries.get('report.pdf')!, tempDir());
    const cover = pdf.text.split('\f')[0];
    const sha = (name: string) => manifest!.files.find((f) => f.name === name)!.sha256;
    for (const fact of [
      manifest!.merkle.root,
      `${manifest!.eventCount} (${manifest!.malformedEventCount} stored malformed`,
      manifest!.signature.keyId,
      sha('report.json'),
      sha('compliance.json'),
      '2026-Q3',
    ]) {
      expect(cover).toContain(fact);
    }
    expect(pdf.text).toContain('npx soc2-evidence verify bundle.zip');
  });

  it('keeps a malformed event as a marked line instead of dropping it', async () => {
    const entries = new Map(await readZip(bundlePath));
    const lines = entries.get('audit-log.ndjson')!.toString('utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(JSON.parse(lines[2])).toEqual({
      id: 'e3',
      malformed: true,
      problem: 'accounts/acme/auditLogs/e3: action dotted action name',
      raw: { action: 'BAD', timestamp: '2026-07-01T00:00:00.000Z' },
    });
    const summary = entries.get('audit-log-summary.csv')!.toString('utf8');
    expect(summary).toContain('total,all events,4');
    expect(summary).toContain('malformed,"stored as found, see audit-log.ndjson",1');
    expect(summary).toContain('action,recipe.execute,2');
  });

  const everyFile = [
    'report.json',
    'access-review.csv',
    'audit-log.ndjson',
    'audit-log-summary.csv',
    'vendors.csv',
    'encryption.csv',
    'incident-response.md',
    'changes.json',
    'compliance.json',
    'report.pdf',
    'oscal-assessment-results.json',
    'README.txt',
  ];

  it.each(everyFile)('one byte changed in %s fails naming that file', async (name) => {
    const path = await tamper(bundlePath, (entries) =>
      entries.map(([n, b]) => {
        if (n !== name) return [n, b];
        const copy = Buffer.from(b);
        copy[copy.length >> 1] ^= 0x01;
        return [n, copy];
      }),
    );
    const result = await verifyBundle(path, { publicKeyPem });
    expect(result.ok).toBe(false);
    expect(failures(result)[0]).toMatch(
      new RegExp(`^file ${name.replace('.', '\\.')}: content differs`),
    );
  });

  it('one byte changed in manifest.json or manifest.sig fails the signature', async () => {
    for (const name of ['manifest.json', 'manifest.sig']) {
      const path = await tamper(bundlePath, (entries) =>
        entries.map(([n, b]) => {
          if (n !== name) return [n, b];
          const copy = Buffer.from(b);
          copy[10] ^= 0x01;
          return [n, copy];
        }),
      );
      const result = await verifyBundle(path, { publicKeyPem });
      expect(failures(result)).toEqual([
        'signature: manifest.sig does not verify manifest.json with the given public key',
      ]);
    }
  });

  const editLog = (edit: (lines: string[]) => string[]) =>
    tamper(bundlePath, (entries) =>
      entries.map(([n, b]) => {
        if (n !== 'audit-log.ndjson') return [n, b];
        const lines = b.toString('utf8').trimEnd().split('\n');
        return [n, Buffer.from(`${edit(lines).join('\n')}\n`)];
      }),
    );

  it.each([
    ['removed', (l: string[]) => [l[0], ...l.slice(2)], /over 3 lines/],
    ['reordered', (l: string[]) => [l[1], l[0], ...l.slice(2)], /over 4 lines/],
    ['added', (l: string[]) => [...l, l[0]], /over 5 lines/],
  ])('an audit-log line %s breaks the file hash and the Merkle root', async (_how, edit, lines) => {
    const result = await verifyBundle(await editLog(edit), { publicKeyPem });
    const failed = failures(result);
    expect(failed[0]).toMatch(/^file audit-log\.ndjson: content differs/);
    expect(failed.find((f) => f.startsWith('merkle root:'))).toMatch(lines);
  });

  it('a removed file is reported missing, an added one as unlisted', async () => {
    const removed = await tamper(bundlePath, (e) => e.filter(([n]) => n !== 'vendors.csv'));
    expect(failures(await verifyBundle(removed, { publicKeyPem }))).toEqual([
      'file vendors.csv: listed in the manifest but missing',
    ]);
    const added = await tamper(bundlePath, (e) => [...e, ['extra.txt', Buffer.from('x')]]);
    expect(failures(await verifyBundle(added, { publicKeyPem }))).toEqual([
      'file extra.txt: present in the zip but not in the manifest',
    ]);
  });

  it('a duplicate entry name is refused', async () => {
    const dup = await tamper(bundlePath, (e) => [...e, ['report.json', Buffer.from('{}')]]);
    expect(failures(await verifyBundle(dup, { publicKeyPem }))).toEqual([
      'zip: duplicate entries: report.json',
    ]);
  });

  it('the signed manifest of another account does not vouch for this content', async () => {
    const other = (await buildToFile(content('globex'))).path;
    const otherEntries = new Map(await readZip(other));
    const swapped = await tamper(bundlePath, (entries) =>
      entries.map(([n, b]) =>
        n === 'manifest.json' || n === 'manifest.sig' ? [n, otherEntries.get(n)!] : [n, b],
      ),
    );
    const result = await verifyBundle(swapped, { publicKeyPem, expectedAccountId: 'acme' });
    const failed = failures(result);
    expect(failed).toContain('account: manifest says globex, expected acme');
    expect(failed).toContain(
      'file report.json: ' + result.checks.find((c) => c.name === 'file report.json')!.detail,
    );
    expect(failed.find((f) => f.startsWith('report account:'))).toBe(
      'report account: report.json is about acme, the manifest about globex',
    );
  });

  it('the signed manifest of another quarter does not vouch for this content', async () => {
    const q4 = { id: '2026-Q4', start: QUARTER.end, end: new Date('2027-01-01T00:00:00Z') };
    const other = (await buildToFile(content('acme', { period: q4, events: fromArray([]) }))).path;
    const otherEntries = new Map(await readZip(other));
    const swapped = await tamper(bundlePath, (entries) =>
      entries.map(([n, b]) =>
        n === 'manifest.json' || n === 'manifest.sig' ? [n, otherEntries.get(n)!] : [n, b],
      ),
    );
    const result = await verifyBundle(swapped, { publicKeyPem, expectedPeriodId: '2026-Q3' });
    const failed = failures(result);
    expect(failed).toContain('period: manifest says 2026-Q4, expected 2026-Q3');
    expect(failed.some((f) => f.startsWith('file audit-log.ndjson: content differs'))).toBe(true);
    expect(
      failed.some((f) => f.startsWith('event times: event e1 at 2026-07-01T00:00:00.000Z')),
    ).toBe(true);
  });

  it('a different public key fails the signature', async () => {
    const result = await verifyBundle(bundlePath, { publicKeyPem: rfc8032Key(1).publicPem });
    expect(failures(result)).toEqual([
      'signature: manifest.sig does not verify manifest.json with the given public key',
    ]);
  });

  it('a key id other than the expected one is reported', async () => {
    const result = await verifyBundle(bundlePath, { publicKeyPem, expectedKeyId: 'prod-2026' });
    expect(failures(result)).toEqual(['key id: manifest says rfc8032-test-1, expected prod-2026']);
  });

  it.each([0.5, 0.9, 0.99])(
    'a zip truncated to %p of its size cannot be read',
    async (fraction) => {
      const size = readFileSync(bundlePath).length;
      const result = await verifyBundle(truncate(bundlePath, Math.floor(size * fraction)), {
        publicKeyPem,
      });
      expect(result.ok).toBe(false);
      expect(failures(result)[0]).toMatch(/^zip: the zip cannot be read: /);
    },
  );

  it('two consecutive quarters chain, and a broken link is reported', async () => {
    const first = await buildToFile(content());
    const q4 = { id: '2026-Q4', start: QUARTER.end, end: new Date('2027-01-01T00:00:00Z') };
    const second = await buildToFile(
      content('acme', {
        period: q4,
        events: fromArray([]),
        previousManifestSha256: first.built.manifestSha256,
      }),
    );
    const ok = await verifyBundle(second.path, {
      publicKeyPem,
      previousManifest: first.built.manifestBytes,
    });
    expect(failures(ok)).toEqual([]);
    expect(ok.checks.find((c) => c.name === 'chain')?.detail).toBe(
      `links to 2026-Q3 (${first.built.manifestSha256})`,
    );

    const unrelated = await buildToFile(
      content('acme', { generatedAt: new Date('2026-10-02T00:00:00Z') }),
    );
    const broken = await verifyBundle(second.path, {
      publicKeyPem,
      previousManifest: unrelated.built.manifestBytes,
    });
    expect(failures(broken)).toEqual([
      `chain: previous manifest has sha256 ${unrelated.built.manifestSha256}; this manifest links to ${first.built.manifestSha256}`,
    ]);
  });

  /**
   * A copy of the bundle whose manifest is edited and signed again with the bundle's own key: what
   * a genuine bundle of that shape looks like (an older builder, or a signer bug), not a forgery.
   */
  const resigned = (
    edit: (manifest: Manifest, entries: Map<string, Buffer>) => Manifest,
    change: (entries: Map<string, Buffer>) => void = () => undefined,
  ) =>
    tamper(bundlePath, (list) => {
      const entries = new Map(list);
      change(entries);
      const manifest = edit(
        JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Manifest,
        entries,
      );
      const bytes = serializeManifest(manifest);
      entries.set('manifest.json', bytes);
      entries.set('manifest.sig', signSync(bytes));
      return [...entries];
    });
  const signSync = (bytes: Buffer) => sign(null, bytes, createPrivateKey(rfc8032Key(0).privatePem));

  const without =
    (...names: string[]) =>
    (manifest: Manifest): Manifest => ({
      ...manifest,
      files: manifest.files.filter((f) => !names.includes(f.name)),
    });
  const drop =
    (...names: string[]) =>
    (entries: Map<string, Buffer>) =>
      names.forEach((name) => entries.delete(name));
  const V3_FILES = ['report.pdf', 'oscal-assessment-results.json'];

  it.each(V3_FILES)('a version 3 manifest that does not list %s fails naming it', async (name) => {
    const path = await resigned(without(name), drop(name));
    expect(failures(await verifyBundle(path, { publicKeyPem }))).toEqual([
      `file ${name}: not listed, but every version 3+ manifest lists it (this one is version 3)`,
    ]);
  });

  it('a version 2 manifest that does not list compliance.json fails naming it', async () => {
    const path = await resigned(
      (m) => ({ ...without('compliance.json', ...V3_FILES)(m), version: 2 }),
      drop('compliance.json', ...V3_FILES),
    );
    expect(failures(await verifyBundle(path, { publicKeyPem }))).toEqual([
      'file compliance.json: not listed, but every version 2+ manifest lists it (this one is version 2)',
    ]);
  });

  it('a version 2 bundle, signed before report.pdf and the OSCAL file existed, still verifies', async () => {
    const path = await resigned(
      (m) => ({ ...without(...V3_FILES)(m), version: 2 }),
      drop(...V3_FILES),
    );
    const result = await verifyBundle(path, { publicKeyPem });
    expect(failures(result)).toEqual([]);
    expect(result.manifest?.version).toBe(2);
  });

  it('a version 1 bundle, signed before compliance.json existed, still verifies', async () => {
    const v1Files = ['compliance.json', ...V3_FILES];
    const path = await resigned(
      (m) => ({ ...without(...v1Files)(m), version: 1 }),
      drop(...v1Files),
    );
    const result = await verifyBundle(path, { publicKeyPem });
    expect(failures(result)).toEqual([]);
    expect(result.manifest?.version).toBe(1);
  });

  it('a manifest version the verifier does not know is refused', async () => {
    const path = await resigned((m) => ({ ...m, version: 4 as 3 }));
    expect(failures(await verifyBundle(path, { publicKeyPem }))[0]).toMatch(
      /^manifest: manifest.json is not a valid manifest: /,
    );
  });

  it('compliance.json of another period fails even when its hash is signed', async () => {
    const q4 = { id: '2026-Q4', start: QUARTER.end, end: new Date('2027-01-01T00:00:00Z') };
    const other = Buffer.from(`${JSON.stringify(sampleCompliance(q4), null, 2)}\n`);
    const path = await resigned(
      (m) => ({
        ...m,
        files: m.files.map((f) =>
          f.name === 'compliance.json'
            ? { ...f, sha256: createHash('sha256').update(other).digest('hex'), size: other.length }
            : f,
        ),
      }),
      (entries) => void entries.set('compliance.json', other),
    );
    expect(failures(await verifyBundle(path, { publicKeyPem }))).toEqual([
      `compliance period: compliance.json covers [${q4.start.toISOString()}, ${q4.end.toISOString()}), the manifest [${QUARTER.start.toISOString()}, ${QUARTER.end.toISOString()})`,
    ]);
  });

  it('a failing event source fails the build instead of producing a short bundle', async () => {
    async function* failing() {
      yield auditEvent('e1', QUARTER.start);
      throw new Error('Firestore unavailable');
    }
    await expect(buildToFile(content('acme', { events: failing() }))).rejects.toThrow(
      'Firestore unavailable',
    );
  });
});
