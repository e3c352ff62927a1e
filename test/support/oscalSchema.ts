import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * NIST's OSCAL 1.0.6 assessment-results JSON Schema, read from `shared/oscal/` beside the
 * repository (where CI puts it), compiled once per test file. Draft-07, with ajv-formats for the
 * `date-time`, `uri` and `uri-reference` formats OSCAL uses.
 */
export const OSCAL_SCHEMA_PATH = join(
  __dirname,
  '..',
  '..',
  '..',
  'shared',
  'oscal',
  'oscal_assessment-results_schema.json',
);

let compiled: ReturnType<Ajv['compile']> | undefined;

export function oscalSchema(): { $id: string; $schema: string } {
  return JSON.parse(readFileSync(OSCAL_SCHEMA_PATH, 'utf8')) as { $id: string; $schema: string };
}

/** Validation errors of `document` against the official schema; empty when it is valid. */
export function oscalErrors(document: unknown): string[] {
  if (!compiled) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    compiled = ajv.compile(oscalSchema());
  }
  return compiled(document)
    ? []
    : (compiled.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
