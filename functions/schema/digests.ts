import { z } from 'zod';
import { timestamp } from './common';

/**
 * One shard of `accounts/{a}/resourceDigest`: for each resource id, the resource document's
 * fields the access review reads (`type`, `name`, `departmentIds`, `memberIds`), stored as
 * written so a malformed resource parses (and is reported) exactly as the document would.
 * `overflow` marks a shard that no longer fits one document: reports then read the resources.
 */
export const resourceDigestShardSchema = z.object({
  resources: z.record(z.string(), z.record(z.string(), z.unknown())),
  overflow: z.boolean(),
  updatedAt: timestamp,
});
export type ResourceDigestShard = z.output<typeof resourceDigestShardSchema>;
