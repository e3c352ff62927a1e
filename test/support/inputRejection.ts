import { ApiError } from '../../functions/domain/errors';
import { parseInput } from '../../functions/schema/common';

/** The 400 that parseInput throws for `input`, as the client would see it. */
export function rejection(schema: Parameters<typeof parseInput>[0], input: unknown): ApiError {
  try {
    parseInput(schema, input);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(input)}, expected a 400`);
}
