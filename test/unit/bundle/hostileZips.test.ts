import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WHOLE_FILE_LIMITS, AUDIT_LINE_LIMIT } from '../../../functions/bundle/checks';
import { rfc8032Key, testSigner } from '../../support/bundleKeys';
import {
  auditEvent,
  buildToFile,
  fromArray,
  QUARTER,
  readZip,
  sampleCompliance,
  sampleFiles,
  tempDir,
} from '../../support/bundleZip';
import { sampleReport } from '../../support/reportFixtures';
import {
  centralRecord,
  deflatedEntry,
  endRecord,
  localRecord,
  repeatedDeflated,
  storedEntry,
  writeRawZip,
  type RawEntry,
} from '../../support/rawZip';

/**
 * The hostile zips of issue 14, each run through the built CLI (`soc2-evidence verify`) in a
 * child process that measures itself: it must fail naming the reason, within 5 s and 300 MB.
 */

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'lib/functions/cli/main.js');
const MEASURE = join(ROOT, 'test/support/measureProcess.js');
const CEILING = { elapsedMs: 5000, cpuMs: 5000, maxRssMiB: 300 };
const MiB = 1024 * 1024;

/** The CLI built from the current sources: `npm run build` when lib/ is missing or older. */
function ensureBuilt(): void {
  const newest = (dir: string): number =>
    Math.max(
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  let built = 0;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    // not built yet
  }
  if (built < newest(join(ROOT, 'functions'))) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }
}

interface Measured {
  code: number;
  elapsedMs: number;
  cpuMs: number;
  maxRssMiB: number;
}

function verify(zipPath: string, keyPath: string): Promise<{ out: string; measured: Measured }> {
  return new Promise((done, fail) =>
    execFile(
      process.execPath,
      ['--require', MEASURE, CLI, 'verify', zipPath, '--public-key', keyPath],
      { maxBuffer: 16 * MiB },
      (error, stdout, stderr) => {
        const line = /^MEASURED (.*)$/m.exec(stderr);
        if (!line) return fail(error ?? new Error(`no measurement in: ${stderr}`));
        done({ out: stdout, measured: JSON.parse(line[1]) as Measured });
      },
    ),
  );
}

describe('soc2-evidence verify on hostile zips', () => {
  const dir = tempDir();
  const keyPath = join(dir, 'key.pem');
  let genuine: RawEntry[];

  beforeAll(async () => {
    ensureBuilt();
    writeFileSync(keyPath, rfc8032Key(0).publicPem);
    const { path } = await buildToFile({
      accountId: 'acme',
      period: QUARTER,
      generatedAt: new Date('2026-10-01T02:00:00Z'),
      previousManifestSha256: null,
      files: sampleFiles('acme'),
      report: sampleReport('acme'),
      compliance: sampleCompliance(QUARTER),
      events: fromArray([auditEvent('e1', QUARTER.start)]),
      signer: testSigner(0),
    });
    genuine = (await readZip(path)).map(([name, bytes]) => deflatedEntry(name, bytes));
  }, 180_000);

  const replaced = (name: string, entry: RawEntry) =>
    genuine.map((e) => (e.name === name ? entry : e));

  async function expectRefused(label: string, zip: Buffer, reason: RegExp): Promise<void> {
    const path = join(dir, `${label.replace(/\W+/g, '-')}.zip`);
    writeFileSync(path, zip);
    const { out, measured } = await verify(path, keyPath);
    expect(measured.code).toBe(1);
    expect(out).toMatch(reason);
    expect(out).toMatch(/bundle NOT verified$/m);
    expect(measured.elapsedMs).toBeLessThan(CEILING.elapsedMs);
    expect(measured.cpuMs).toBeLessThan(CEILING.cpuMs);
    expect(measured.maxRssMiB).toBeLessThan(CEILING.maxRssMiB);
  }

  it('the genuine bundle, rewritten byte by byte by the test writer, verifies', async () => {
    const path = join(dir, 'genuine.zip');
    writeFileSync(path, writeRawZip(genuine));
    const { out, measured } = await verify(path, keyPath);
    expect(out).toMatch(/bundle verified$/m);
    expect(measured.code).toBe(0);
  });

  it('a 64 MiB audit-log line without a newline stops at the line limit', async () => {
    const log = repeatedDeflated('audit-log.ndjson', Buffer.alloc(MiB, 0x78), 64);
    await expectRefused(
      '64 MiB audit-log line',
      writeRawZip(replaced('audit-log.ndjson', log)),
      new RegExp(
        `FAIL {2}file audit-log\\.ndjson: not read: audit-log\\.ndjson: line 1 is longer than the verifier's limit of ${AUDIT_LINE_LIMIT} bytes`,
      ),
    );
  });

  const huge = (name: string) => repeatedDeflated(name, Buffer.alloc(MiB, 0x20), 900);

  it('a 900 MiB manifest.json in a 1 MB zip is refused from its declared size', async () => {
    const zip = writeRawZip(replaced('manifest.json', huge('manifest.json')));
    expect(zip.length).toBeLessThan(2 * MiB);
    await expectRefused(
      '900 MiB manifest.json',
      zip,
      new RegExp(
        `FAIL {2}manifest: manifest\\.json is ${900 * MiB} bytes, over the verifier's limit of ${WHOLE_FILE_LIMITS['manifest.json']} bytes`,
      ),
    );
  });

  it('a 900 MiB report.json in a 1 MB zip is refused from its declared size', async () => {
    await expectRefused(
      '900 MiB report.json',
      writeRawZip(replaced('report.json', huge('report.json'))),
      new RegExp(
        `FAIL {2}file report\\.json: not read: report\\.json is ${900 * MiB} bytes, over the verifier's limit of ${WHOLE_FILE_LIMITS['report.json']} bytes`,
      ),
    );
  });

  it('an entry inflating past its declared size stops at the first byte past it', async () => {
    const lying = { ...huge('report.json'), uncompressedSize: 1000 };
    await expectRefused(
      'report.json inflating past its declared size',
      writeRawZip(replaced('report.json', lying)),
      /FAIL {2}zip: the zip cannot be read: too many bytes in the stream\. expected 1000\./,
    );
  });

  it('a hidden local entry with a forged report.json is refused', async () => {
    const forged = storedEntry('report.json', Buffer.from('{"accountId":"acme","forged":true}'));
    const at = genuine.findIndex((e) => e.name === 'report.json');
    await expectRefused(
      'hidden local entry',
      writeRawZip(genuine, { hidden: new Map([[at, forged]]) }),
      /FAIL {2}zip: the zip cannot be read: \d+ bytes at offset \d+, between .* and report\.json, are not part of any entry of the central directory/,
    );
  });

  it('overlapping entries (a local entry inside another entry’s data) are refused', async () => {
    // changes.json is stored, and its content is a complete local entry of a forged report.json
    // that the central directory lists: one region of the file read as two entries.
    const forged = storedEntry('report.json', Buffer.from('{"accountId":"acme","forged":true}'));
    const carrier = storedEntry('changes.json', localRecord(forged));
    const listed = genuine.filter((e) => e.name !== 'report.json' && e.name !== 'changes.json');
    const parts: Buffer[] = [];
    const central: Buffer[] = [];
    let offset = 0;
    for (const entry of [carrier, ...listed]) {
      central.push(centralRecord(entry, offset));
      parts.push(localRecord(entry));
      offset += parts[parts.length - 1].length;
    }
    central.push(centralRecord(forged, 30 + 'changes.json'.length));
    const directory = Buffer.concat(central);
    await expectRefused(
      'overlapping entries',
      Buffer.concat([...parts, directory, endRecord(central.length, directory, offset)]),
      /FAIL {2}zip: the zip cannot be read: (report\.json overlaps changes\.json|changes\.json overlaps report\.json)/,
    );
  });

  it('data before the first entry is refused', async () => {
    await expectRefused(
      'junk before',
      writeRawZip(genuine, { prefix: Buffer.alloc(4096, 0x41) }),
      /FAIL {2}zip: the zip cannot be read: 4096 bytes at offset 0, between the start of the zip and /,
    );
  });

  it('data after the end of central directory is refused', async () => {
    await expectRefused(
      'junk after',
      Buffer.concat([writeRawZip(genuine), Buffer.alloc(4096, 0x41)]),
      /FAIL {2}zip: the zip cannot be read: .*(extra bytes at the end|End of central directory record signature not found)/,
    );
  });
});
