import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';

/**
 * Helpers for firestore.rules tests against the official Firestore emulator.
 */

/** `host:port` of the Firestore emulator the stack (or a developer) started. */
export function firestoreEmulatorAddress(): { host: string; port: number } {
  const address = process.env.FIRESTORE_EMULATOR_HOST;
  const match = address ? /^(.+):(\d+)$/.exec(address) : null;
  if (!match) throw new Error(`FIRESTORE_EMULATOR_HOST must be host:port, got ${address}`);
  return { host: match[1], port: Number(match[2]) };
}

/**
 * The request must be refused by the rules. assertFails alone also accepts any error whose message
 * mentions "unauthorized", so the Firestore code is checked exactly.
 */
export async function expectDenied(request: Promise<unknown>): Promise<void> {
  const error: unknown = await assertFails(request);
  expect((error as { code?: unknown }).code).toBe('permission-denied');
}

export async function expectAllowed(request: Promise<unknown>): Promise<void> {
  await assertSucceeds(request);
}

interface CoverageEntry {
  sourcePosition: { line: number; column: number; currentOffset: number; endOffset: number };
  /** Each distinct result the expression produced, with how often; absent when never evaluated. */
  values?: { value: Record<string, unknown>; count: number }[];
}

/** The emulator's `:ruleCoverage` JSON: the rules source and one entry per rule expression. */
export interface RuleCoverage {
  rules: { files: { content: string }[] };
  report: CoverageEntry[];
}

export async function fetchRuleCoverage(
  projectId: string,
): Promise<{ json: RuleCoverage; html: string }> {
  const { host, port } = firestoreEmulatorAddress();
  const base = `http://${host}:${port}/emulator/v1/projects/${projectId}:ruleCoverage`;
  const [json, html] = await Promise.all([
    fetch(base).then((r) => r.json() as Promise<RuleCoverage>),
    fetch(`${base}.html`).then((r) => r.text()),
  ]);
  return { json, html };
}

/**
 * Expressions the run did not exercise enough: never produced a value (an error or a
 * short-circuit is not a value), or, for a condition, produced only true or only false, so
 * one side of the decision was never tested.
 */
export function coverageGaps(coverage: RuleCoverage): string[] {
  const source = coverage.rules.files[0].content;
  return coverage.report.flatMap(({ sourcePosition: at, values = [] }) => {
    const results = values
      .filter((v) => v.count > 0 && !('undefined' in v.value))
      .map((v) => v.value);
    const booleans = new Set(results.flatMap((v) => ('boolValue' in v ? [v.boolValue] : [])));
    const where = `line ${at.line}: ${source.slice(at.currentOffset, at.endOffset).split('\n')[0]}`;
    if (results.length === 0) return [`${where} — never evaluated to a value`];
    if (booleans.size === 1) return [`${where} — only ever ${[...booleans][0]}`];
    return [];
  });
}
