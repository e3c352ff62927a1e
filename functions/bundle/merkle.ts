import { createHash } from 'node:crypto';

/**
 * RFC 6962 (Certificate Transparency) Merkle tree hash over SHA-256, built incrementally.
 *
 * Leaves and interior nodes are domain-separated (0x00 / 0x01 prefix) so a leaf can never be
 * passed off as a node. Only the roots of the complete subtrees seen so far are kept — one per set
 * bit of the leaf count — so memory is O(log n) however many audit-log lines stream through.
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH({}) = SHA-256 of the empty string (RFC 6962 §2.1). */
export const EMPTY_TREE_ROOT = createHash('sha256').digest('hex');

export class MerkleAccumulator {
  /** Complete subtrees, largest first; sizes are strictly decreasing powers of two. */
  private readonly subtrees: { size: number; hash: Buffer }[] = [];
  private count = 0;

  get leafCount(): number {
    return this.count;
  }

  add(leaf: Uint8Array): void {
    let size = 1;
    let hash = leafHash(leaf);
    // Two equal-sized neighbours form the next complete subtree (binary-counter carry).
    while (this.subtrees.length > 0 && this.subtrees[this.subtrees.length - 1].size === size) {
      const left = this.subtrees.pop()!;
      hash = nodeHash(left.hash, hash);
      size *= 2;
    }
    this.subtrees.push({ size, hash });
    this.count++;
  }

  /**
   * Folding the complete subtrees right to left reproduces RFC 6962's split at the largest power
   * of two below n: the left part is always a complete subtree, the right part the rest.
   */
  root(): string {
    if (this.subtrees.length === 0) return EMPTY_TREE_ROOT;
    let hash = this.subtrees[this.subtrees.length - 1].hash;
    for (let i = this.subtrees.length - 2; i >= 0; i--)
      hash = nodeHash(this.subtrees[i].hash, hash);
    return hash.toString('hex');
  }
}

/** Root of a whole list at once (tests and small inputs). */
export function merkleRoot(leaves: Iterable<Uint8Array>): string {
  const acc = new MerkleAccumulator();
  for (const leaf of leaves) acc.add(leaf);
  return acc.root();
}
