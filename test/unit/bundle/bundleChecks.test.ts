import {
  AUDIT_LINE_LIMIT,
  AuditLineTally,
  auditLogChecks,
  chainCheck,
  crossFileChecks,
  expectationChecks,
  fileChecks,
  LimitExceeded,
  LineSplitter,
  parseManifest,
  periodOf,
  signatureChecks,
  unaccountedBytes,
  WHOLE_FILE_LIMITS,
  zipChecks,
  type BundleContents,
  type ZipLayout,
} from '../../../functions/bundle/checks';
import { computeAccessReview } from '../../../functions/report/sections/accessReview';
import { emptyCollection } from '../../../functions/report/types';
import type { Manifest } from '../../../functions/schema/bundle';

const bytes = (s: string) => new TextEncoder().encode(s);
const hex = (c: string) => c.repeat(64);

const PERIOD = {
  id: '2026-Q3',
  start: '2026-07-01T00:00:00.000Z',
  end: '2026-10-01T00:00:00.000Z',
};

const manifest: Manifest = {
  format: 'soc2-evidence-bundle',
  version: 2,
  accountId: 'acme',
  period: PERIOD,
  generatedAt: '2026-10-01T02:00:00.000Z',
  files: [
    { name: 'audit-log.ndjson', sha256: hex('a'), size: 10 },
    { name: 'compliance.json', sha256: hex('c'), size: 20 },
    { name: 'report.json', sha256: hex('b'), size: 30 },
  ],
  eventCount: 2,
  malformedEventCount: 1,
  merkle: { algorithm: 'rfc6962-sha256', leafCount: 2, root: hex('d') },
  signature: { algorithm: 'Ed25519', keyId: 'key-1' },
  previousManifestSha256: null,
};
const manifestBytes = bytes(JSON.stringify(manifest));

function contents(overrides: Partial<BundleContents> = {}): BundleContents {
  return {
    entryCount: 5,
    duplicates: [],
    whole: new Map([
      ['manifest.json', manifestBytes],
      ['manifest.sig', new Uint8Array(64)],
    ]),
    digests: new Map([
      [
        'audit-log.ndjson',
        { sha256: hex('a'), size: 10, merkleRoot: hex('d'), lines: 2, malformed: 1 },
      ],
      ['compliance.json', { sha256: hex('c'), size: 20 }],
      ['report.json', { sha256: hex('b'), size: 30 }],
    ]),
    refused: new Map(),
    ...overrides,
  };
}

const failures = (checks: { name: string; ok: boolean; detail: string }[]) =>
  checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);

describe('zip layout: every byte accounted for by the central directory', () => {
  const layout = (over: Partial<ZipLayout> = {}): ZipLayout => ({
    size: 300,
    entries: [
      { name: 'a.txt', start: 0, end: 100 },
      { name: 'b.txt', start: 100, end: 200 },
    ],
    centralDirectory: { start: 200, end: 278 },
    trailerStart: 278,
    ...over,
  });

  it('entries back to back, then the central directory and its end record, pass', () => {
    expect(unaccountedBytes(layout())).toBeUndefined();
  });

  it('bytes before the first entry are named with their offset', () => {
    const entries = [
      { name: 'a.txt', start: 16, end: 100 },
      { name: 'b.txt', start: 100, end: 200 },
    ];
    expect(unaccountedBytes(layout({ entries }))).toBe(
      '16 bytes at offset 0, between the start of the zip and a.txt, are not part of any entry of the central directory',
    );
  });

  it('a hidden local entry between two listed ones is refused', () => {
    const entries = [
      { name: 'a.txt', start: 0, end: 80 },
      { name: 'b.txt', start: 100, end: 200 },
    ];
    expect(unaccountedBytes(layout({ entries }))).toMatch(
      /^20 bytes at offset 80, between a\.txt and b\.txt/,
    );
  });

  it('two entries sharing bytes overlap', () => {
    const entries = [
      { name: 'a.txt', start: 0, end: 200 },
      { name: 'b.txt', start: 0, end: 200 },
    ];
    expect(unaccountedBytes(layout({ entries }))).toMatch(/overlaps/);
  });

  it('data between the central directory and the end record is refused', () => {
    expect(unaccountedBytes(layout({ trailerStart: 290 }))).toBe(
      "12 bytes at offset 278, after the central directory, are not part of the zip's end records",
    );
  });
});

describe('audit-log lines', () => {
  const split = (chunks: string[], limit?: number) => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(new TextDecoder().decode(l)), limit);
    for (const chunk of chunks) splitter.push(bytes(chunk));
    splitter.end();
    return lines;
  };

  it('a line spanning chunks is one line, an unterminated tail is the last line', () => {
    expect(split(['{"a"', ':1}\n{"b":', '2}\n\n', 'x'])).toEqual(['{"a":1}', '{"b":2}', '', 'x']);
  });

  it('a trailing newline adds no empty line', () => {
    expect(split(['a\nb\n'])).toEqual(['a', 'b']);
  });

  it('a line over the limit throws LimitExceeded naming the line, across chunks or within one', () => {
    expect(() => split(['ok\n', '12345', '678'], 6)).toThrow(
      new LimitExceeded("line 2 is longer than the verifier's limit of 6 bytes"),
    );
    expect(() => split(['1234567\n'], 6)).toThrow(LimitExceeded);
    expect(split(['123456\n'], 6)).toEqual(['123456']);
  });

  it('a line spanning many chunks is assembled once, whole', () => {
    const chunk = 'x'.repeat(64 * 1024);
    const chunks = Array.from({ length: AUDIT_LINE_LIMIT / chunk.length - 1 }, () => chunk);
    expect(split([...chunks, '\n'])[0]).toBe(chunks.join(''));
  });

  it('counts malformed lines and names the first event outside the period', () => {
    const tally = new AuditLineTally(PERIOD);
    for (const line of [
      '{"id":"e1","timestamp":"2026-07-01T00:00:00.000Z"}',
      'not json',
      '{"id":"e2","malformed":true}',
      '{"id":"e3","timestamp":"2026-10-01T00:00:00.000Z"}',
      '{"id":"e4","timestamp":"2025-01-01T00:00:00.000Z"}',
    ]) {
      tally.add(bytes(line));
    }
    expect(tally.malformed).toBe(2);
    expect(tally.outsidePeriod).toBe('event e3 at 2026-10-01T00:00:00.000Z');
  });

  it('reads the period from manifest bytes not yet verified, or nothing', () => {
    expect(periodOf(manifestBytes)).toEqual(PERIOD);
    expect(periodOf(bytes('{'))).toBeUndefined();
    expect(periodOf(undefined)).toBeUndefined();
  });
});

describe('zip, manifest and signature checks', () => {
  it('reports the entries read, and duplicate names as a failure', () => {
    expect(zipChecks(contents())).toEqual([{ name: 'zip', ok: true, detail: '5 entries read' }]);
    expect(failures(zipChecks(contents({ duplicates: ['report.json'] })))).toEqual([
      'zip: duplicate entries: report.json',
    ]);
  });

  it('verifies the signature over the exact manifest bytes with the injected verifier', async () => {
    const seen: Uint8Array[] = [];
    const checks = await signatureChecks(contents(), async (message) => (seen.push(message), true));
    expect(checks).toEqual([
      { name: 'signature', ok: true, detail: 'Ed25519 signature over manifest.json verifies' },
    ]);
    expect(seen).toEqual([manifestBytes]);
    expect(failures(await signatureChecks(contents(), async () => false))).toEqual([
      'signature: manifest.sig does not verify manifest.json with the given public key',
    ]);
  });

  it('a missing manifest or signature, a wrong-sized or over-limit one, fails before verifying', async () => {
    const never = () => {
      throw new Error('must not verify');
    };
    const without = async (name: string, refused?: string) => {
      const c = contents();
      c.whole.delete(name);
      if (refused) c.refused.set(name, refused);
      return failures(await signatureChecks(c, never));
    };
    expect(await without('manifest.json')).toEqual(['manifest: manifest.json is missing']);
    expect(await without('manifest.json', 'manifest.json is 9 bytes, over')).toEqual([
      'manifest: manifest.json is 9 bytes, over',
    ]);
    expect(await without('manifest.sig')).toEqual(['signature: manifest.sig is missing']);
    expect(await without('manifest.sig', 'too big')).toEqual(['signature: too big']);
    const short = contents();
    short.whole.set('manifest.sig', new Uint8Array(63));
    expect(failures(await signatureChecks(short, never))).toEqual([
      'signature: manifest.sig is 63 bytes, not 64',
    ]);
  });

  it('parses a valid manifest, and names why an invalid one is not', () => {
    expect(parseManifest(manifestBytes)).toEqual({ manifest, checks: [] });
    const bad = parseManifest(bytes(JSON.stringify({ ...manifest, version: 4 })));
    expect(bad.manifest).toBeUndefined();
    expect(failures(bad.checks)[0]).toMatch(/^manifest: manifest.json is not a valid manifest: /);
  });

  it('checks only the expectations given', () => {
    expect(expectationChecks(manifest, {})).toEqual([]);
    expect(
      expectationChecks(manifest, { expectedAccountId: 'acme', expectedPeriodId: '2026-Q4' }),
    ).toEqual([
      { name: 'account', ok: true, detail: 'acme' },
      { name: 'period', ok: false, detail: 'manifest says 2026-Q3, expected 2026-Q4' },
    ]);
  });
});

describe('file checks', () => {
  it('every listed file with its signed hash and size passes', () => {
    expect(failures(fileChecks(manifest, contents()))).toEqual([]);
    expect(fileChecks(manifest, contents())).toHaveLength(3);
  });

  it('a changed, missing, refused, unlisted or required-but-unlisted file fails naming it', () => {
    const c = contents();
    c.digests.set('report.json', { sha256: hex('e'), size: 30 });
    c.digests.delete('audit-log.ndjson');
    c.refused.set('compliance.json', 'compliance.json is 1 bytes, over');
    c.digests.set('extra.txt', { sha256: hex('f'), size: 1 });
    expect(failures(fileChecks(manifest, c))).toEqual([
      'file audit-log.ndjson: listed in the manifest but missing',
      'file compliance.json: not read: compliance.json is 1 bytes, over',
      `file report.json: content differs from the manifest (sha256 ${hex('e')}, 30 bytes; manifest ${hex('b')}, 30 bytes)`,
      'file extra.txt: present in the zip but not in the manifest',
    ]);
    const v2WithoutCompliance = {
      ...manifest,
      files: manifest.files.filter((f) => f.name !== 'compliance.json'),
    };
    expect(failures(fileChecks(v2WithoutCompliance, contents()))).toEqual([
      'file compliance.json: not listed, but every version 2+ manifest lists it (this one is version 2)',
      'file compliance.json: present in the zip but not in the manifest',
    ]);
  });

  it('a version 3 manifest must list report.pdf, the OSCAL file and access-reviews.json, each failing by name', () => {
    const v3 = { ...manifest, version: 3 as const };
    expect(failures(fileChecks(v3, contents()))).toEqual([
      'file report.pdf: not listed, but every version 3+ manifest lists it (this one is version 3)',
      'file oscal-assessment-results.json: not listed, but every version 3+ manifest lists it (this one is version 3)',
      'file access-reviews.json: not listed, but every version 3+ manifest lists it (this one is version 3)',
    ]);
    const c = contents();
    const listed = [
      { name: 'oscal-assessment-results.json', sha256: hex('1'), size: 5 },
      { name: 'report.pdf', sha256: hex('2'), size: 6 },
      { name: 'access-reviews.json', sha256: hex('3'), size: 7 },
    ];
    for (const f of listed) c.digests.set(f.name, { sha256: f.sha256, size: f.size });
    expect(failures(fileChecks({ ...v3, files: [...v3.files, ...listed] }, c))).toEqual([]);
  });
});

describe('audit-log checks', () => {
  it('a matching root, count and period pass', () => {
    expect(failures(auditLogChecks(manifest, contents()))).toEqual([]);
  });

  it('a different root, count or an event outside the period fail with both sides', () => {
    const c = contents();
    c.digests.set('audit-log.ndjson', {
      sha256: hex('a'),
      size: 10,
      merkleRoot: hex('9'),
      lines: 3,
      malformed: 0,
      outsidePeriod: 'event e9 at 2027-01-01T00:00:00.000Z',
    });
    expect(failures(auditLogChecks(manifest, c))).toEqual([
      `merkle root: recomputed ${hex('9')} over 3 lines of audit-log.ndjson; manifest says ${hex('d')} over 2`,
      'event count: audit-log.ndjson has 3 lines (0 malformed); manifest says 2 (1)',
      'event times: event e9 at 2027-01-01T00:00:00.000Z is outside the period',
    ]);
  });

  it('a missing or refused audit log fails the Merkle root with the reason', () => {
    const c = contents();
    c.digests.delete('audit-log.ndjson');
    expect(failures(auditLogChecks(manifest, c))).toEqual([
      'merkle root: audit-log.ndjson is missing',
    ]);
    c.refused.set('audit-log.ndjson', 'audit-log.ndjson: line 1 is longer');
    expect(failures(auditLogChecks(manifest, c))).toEqual([
      'merkle root: audit-log.ndjson not read: audit-log.ndjson: line 1 is longer',
    ]);
  });
});

describe('cross-file checks', () => {
  const whole = (report: unknown, compliance: unknown) =>
    new Map([
      ['report.json', bytes(JSON.stringify(report))],
      ['compliance.json', bytes(JSON.stringify(compliance))],
    ]);

  it('report about the manifest account and compliance over its period pass', () => {
    const checks = crossFileChecks(
      manifest,
      whole({ accountId: 'acme' }, { periodStart: PERIOD.start, periodEnd: PERIOD.end }),
    );
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['report account', true],
      ['compliance period', true],
    ]);
  });

  it('another account or period fails; absent files are not cross-checked', () => {
    expect(failures(crossFileChecks(manifest, whole({ accountId: 'globex' }, 'x')))).toEqual([
      'report account: report.json is about globex, the manifest about acme',
      `compliance period: compliance.json covers undefined, the manifest [${PERIOD.start}, ${PERIOD.end})`,
    ]);
    expect(crossFileChecks(manifest, new Map())).toEqual([]);
  });
});

describe('chain check', () => {
  const previous: Manifest = {
    ...manifest,
    period: { id: '2026-Q2', start: '2026-04-01T00:00:00.000Z', end: PERIOD.start },
  };
  const previousBytes = bytes(JSON.stringify(previous));
  const linked = { ...manifest, previousManifestSha256: hex('7') };

  it('without a previous manifest, says whether there is a link to check', () => {
    expect(chainCheck(manifest, undefined).detail).toBe(
      'first bundle of this account (no previous manifest)',
    );
    expect(chainCheck(linked, undefined).detail).toBe(
      `not checked: no previous manifest given (the CLI takes --previous) for link ${hex('7')}`,
    );
  });

  it('links to the previous manifest by the given digest', () => {
    expect(chainCheck(linked, { bytes: previousBytes, sha256: hex('7') })).toEqual({
      name: 'chain',
      ok: true,
      detail: `links to 2026-Q2 (${hex('7')})`,
    });
    expect(chainCheck(linked, { bytes: previousBytes, sha256: hex('6') }).detail).toBe(
      `previous manifest has sha256 ${hex('6')}; this manifest links to ${hex('7')}`,
    );
  });

  it('another account, an overlapping period or an invalid previous manifest fails', () => {
    const check = (p: unknown) =>
      chainCheck(linked, { bytes: bytes(JSON.stringify(p)), sha256: hex('7') });
    expect(check({ ...previous, accountId: 'globex' }).detail).toBe(
      'previous manifest is for account globex',
    );
    expect(check({ ...previous, period: { ...previous.period, end: PERIOD.end } }).detail).toBe(
      'previous period 2026-Q2 overlaps this one',
    );
    expect(check({}).detail).toBe('the previous manifest is not a valid manifest');
  });

  it('a gap between the previous period and this one fails, naming both ends', () => {
    const earlier = {
      ...previous,
      period: { id: 'early', start: '2026-03-01T00:00:00.000Z', end: '2026-06-01T00:00:00.000Z' },
    };
    const check = chainCheck(linked, { bytes: bytes(JSON.stringify(earlier)), sha256: hex('7') });
    expect(check.ok).toBe(false);
    expect(check.detail).toBe(
      `gap: previous period early ends 2026-06-01T00:00:00.000Z, this one starts ${PERIOD.start}; the evidence in between is in no bundle of this chain`,
    );
  });
});

describe('whole-file limits', () => {
  it("read the report.json of a 50,000-member account (the builder's pretty-printed JSON)", () => {
    const now = new Date('2026-11-23T12:00:00.000Z');
    const department = (id: string) => ({ id, value: { name: `Department ${id}` } });
    // A member with every list filled, as large as the seeded large account's biggest.
    const member = (uid: string) => ({
      id: uid,
      value: {
        email: `${uid}@bench-members-mx4w11rm.example`,
        displayName: `${uid} with a long display name`,
        role: 'admin' as const,
        departments: ['dept-01', 'dept-02', 'dept-03'],
        lastActiveAt: now,
      },
    });
    const identity = {
      disabled: false,
      emailVerified: true,
      mfaEnrolled: true,
      mfaFactors: ['phone'],
      lastSignInAt: now.toISOString(),
      providers: ['google.com', 'password'],
    };
    const reportOf = (count: number) => {
      const members = Array.from({ length: count }, (_, i) =>
        member(`user-${String(i).padStart(5, '0')}`),
      );
      const data = computeAccessReview({
        members: { docs: members, malformed: [] },
        departments: { docs: ['dept-01', 'dept-02', 'dept-03'].map(department), malformed: [] },
        resources: emptyCollection(),
        apiKeys: emptyCollection(),
        identities: new Map(members.map((m) => [m.id, identity])),
        recentAccessChanges: { changes: [], malformed: [] },
        now,
      });
      const report = { sections: { accessReview: { status: 'ok', data } } };
      return Buffer.byteLength(`${JSON.stringify(report, null, 2)}\n`);
    };
    const perMember = (reportOf(101) - reportOf(1)) / 100;
    // Everything but the members (catalogs, settings, audit summary) is well under 1 MiB.
    expect(50_000 * perMember + 1024 * 1024).toBeLessThan(WHOLE_FILE_LIMITS['report.json']);
  });
});
