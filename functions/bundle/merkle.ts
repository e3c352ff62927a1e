import { toHex, type HashFactory } from './verifierCrypto';

/**
 * RFC 6962 (Certificate Transparency) Merkle tree hash over SHA-256, built incrementally.
 *
 * Leaves and interior nodes are domain-separated (0x00 / 0x01 prefix) so a leaf can never be
 * passed off as a node. Only the roots of the complete subtrees seen so far are kept — one per set
 * bit of the leaf count — so memory is O(log n) however many audit-log lines stream through.
 * SHA-256 is injected (node:crypto in Node, sha256.ts in the browser): the same code builds the
 * root in the bundle builder and recomputes it in both verifiers.
 */

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** MTH({}) = SHA-256 of the empty string (RFC 6962 §2.1); the unit test pins it. */
export const EMPTY_TREE_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export class MerkleAccumulator {
  /** Complete subtrees, largest first; sizes are strictly decreasing powers of two. */
  private readonly subtrees: { size: number; hash: Uint8Array }[] = [];
  private count = 0;

  constructor(private readonly sha256: HashFactory) {}

  private hashOf(prefix: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
    const hash = this.sha256();
    hash.update(prefix);
    for (const part of parts) hash.update(part);
    return hash.digest();
  }

  get leafCount(): number {
    return this.count;
  }

  add(leaf: Uint8Array): void {
    let size = 1;
    let hash = this.hashOf(LEAF_PREFIX, leaf);
    // Two equal-sized neighbours form the next complete subtree (binary-counter carry).
    while (this.subtrees.length > 0 && this.subtrees[this.subtrees.length - 1].size === size) {
      const left = this.subtrees.pop()!;
      hash = this.hashOf(NODE_PREFIX, left.hash, hash);
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
    for (let i = this.subtrees.length - 2; i >= 0; i--) {
      hash = this.hashOf(NODE_PREFIX, this.subtrees[i].hash, hash);
    }
    return toHex(hash);
  }
}

/** Root of a whole list at once (tests and small inputs). */
export function merkleRoot(leaves: Iterable<Uint8Array>, sha256: HashFactory): string {
  const acc = new MerkleAccumulator(sha256);
  for (const leaf of leaves) acc.add(leaf);
  return acc.root();
}
