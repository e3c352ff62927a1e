/** gRPC status codes the admin SDK puts on Firestore errors, for the few cases we handle. */
export const grpcCode = (error: unknown) => (error as { code?: unknown }).code;

/** A `create()` met an existing document: the write had been done before. */
export const isAlreadyExists = (error: unknown) => grpcCode(error) === 6;

/** The write itself was refused (e.g. a document past Firestore's 1 MiB limit). */
export const isInvalidArgument = (error: unknown) => grpcCode(error) === 3;

/**
 * Contention or overload, not a bug: ABORTED (transaction lock timeout), DEADLINE_EXCEEDED,
 * RESOURCE_EXHAUSTED, UNAVAILABLE. The API answers these with 503 and Retry-After.
 */
export const isContention = (error: unknown) => [10, 4, 8, 14].includes(grpcCode(error) as number);
