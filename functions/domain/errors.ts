/**
 * Typed errors of the HTTP error contract (CONTRACT §4). Domain and adapters throw these; the
 * HTTP layer maps them to a response in exactly one place (functions/http/respond.ts).
 */

/** Every code an error body carries, with its HTTP status. */
const STATUS = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  plan_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  // CONTRACT §4: the resource is not in a state that allows this (a bundle still building, a
  // finding moved out of order).
  failed_precondition: 409,
  // CONTRACT §4: a request body over the route's limit (an evidence item's 25 MiB).
  too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof STATUS;
export const ERROR_CODES = Object.keys(STATUS) as [ErrorCode, ...ErrorCode[]];

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = STATUS[code];
  }
}

export const invalidArgument = (message: string, details?: unknown) =>
  new ApiError('invalid_argument', message, details);
export const unauthenticated = (message = 'A valid Firebase ID token is required.') =>
  new ApiError('unauthenticated', message);
export const permissionDenied = (message: string) => new ApiError('permission_denied', message);
export const planRequired = (message = 'This feature requires the enterprise plan.') =>
  new ApiError('plan_required', message);
export const notFound = (message: string) => new ApiError('not_found', message);
export const methodNotAllowed = (method: string, allowed: readonly string[]) =>
  new ApiError('method_not_allowed', `Method ${method} is not allowed here.`, { allowed });
export const failedPrecondition = (message: string, details?: unknown) =>
  new ApiError('failed_precondition', message, details);

export const tooLarge = (message: string, details?: unknown) =>
  new ApiError('too_large', message, details);

export const unsupportedMediaType = (message: string) =>
  new ApiError('unsupported_media_type', message);
/** Overload or contention: the client should retry after `retryAfterSeconds` (503 Retry-After). */
export const unavailable = (message: string, retryAfterSeconds: number) =>
  new ApiError('unavailable', message, { retryAfterSeconds });

/** A stored document that does not match its schema: reportable, never fatal to a report. */
export class ValidationError extends Error {
  constructor(
    readonly path: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(`${path}: ${issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ')}`);
    this.name = 'ValidationError';
  }
}
