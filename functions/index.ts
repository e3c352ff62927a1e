/**
 * Entry file: declares the deployed functions and nothing else. Each one is a few lines that hand
 * over to a handler module.
 */
import { onRequest } from 'firebase-functions/v2/https';
import { apiSecrets } from './config';
import { makeApiHandler } from './handlers/api';

/** `/api/**` (Hosting rewrite) — evidence report, archives, audit-log query, public key. */
export const api = onRequest({ secrets: apiSecrets, cors: false }, makeApiHandler());
