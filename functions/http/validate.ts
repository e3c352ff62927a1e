import type { z } from 'zod';
import { invalidArgument } from '../domain/errors';

/**
 * Parses request input with a schema; a failure becomes one 400 whose message names every bad
 * field, and whose details list them for programs.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    field: i.path.join('.') || '(body)',
    message: i.message,
  }));
  throw invalidArgument(issues.map((i) => `${i.field}: ${i.message}`).join('; '), { issues });
}
