import { createHash } from 'node:crypto';
import {
  EMPTY_TREE_ROOT,
  MerkleAccumulator,
  merkleRoot as rootWith,
} from '../../../functions/bundle/merkle';
import { nodeCrypto } from '../../../functions/bundle/nodeCrypto';
import { webCrypto } from '../../../functions/bundle/webCrypto';
import vectors from '../../fixtures/merkle-rfc6962.json';

const leaves = vectors.leavesHex.map((h) => Buffer.from(h, 'hex'));

/** RFC 6962 §2.1 written literally (recursive, whole list in memory): the reference. */
function referenceRoot(data: Buffer[]): Buffer {
  if (data.length === 0) return createHash('sha256').digest();
  if (data.length === 1)
    return createHash('sha256')
      .update(Buffer.from([0]))
      .update(data[0])
      .digest();
  let k = 1;
  while (k * 2 < data.length) k *= 2;
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(referenceRoot(data.slice(0, k)))
    .update(referenceRoot(data.slice(k)))
    .digest();
}

const merkleRoot = (data: Iterable<Uint8Array>) => rootWith(data, nodeCrypto.sha256);

describe('RFC 6962 Merkle root over audit-log lines', () => {
  it('matches the published tree head for every size 0..8', () => {
    for (let n = 0; n <= leaves.length; n++) {
      expect({ n, root: merkleRoot(leaves.slice(0, n)) }).toEqual({
        n,
        root: vectors.rootsBySize[n],
      });
    }
  });

  it('the empty tree is SHA-256 of nothing', () => {
    expect(EMPTY_TREE_ROOT).toBe(vectors.rootsBySize[0]);
    expect(EMPTY_TREE_ROOT).toBe(createHash('sha256').digest('hex'));
  });

  it("the browser's SHA-256 builds the same roots as node:crypto", () => {
    for (let n = 0; n <= leaves.length; n++) {
      expect(rootWith(leaves.slice(0, n), webCrypto.sha256)).toBe(vectors.rootsBySize[n]);
    }
    const lines = Array.from({ length: 300 }, (_, i) =>
      Buffer.from(`{"id":"e${i}"}`.repeat(i % 9)),
    );
    expect(rootWith(lines, webCrypto.sha256)).toBe(merkleRoot(lines));
  });

  it('the incremental root equals the recursive definition at every size up to 300', () => {
    const acc = new MerkleAccumulator(nodeCrypto.sha256);
    const data: Buffer[] = [];
    for (let n = 1; n <= 300; n++) {
      const leaf = Buffer.from(`{"id":"e${n}"}`);
      data.push(leaf);
      acc.add(leaf);
      expect(acc.root()).toBe(referenceRoot(data).toString('hex'));
    }
    expect(acc.leafCount).toBe(300);
  });

  it('reordering, removing or adding a line changes the root', () => {
    const lines = ['a', 'b', 'c', 'd', 'e'].map((s) => Buffer.from(s));
    const root = merkleRoot(lines);
    expect(merkleRoot([lines[1], lines[0], ...lines.slice(2)])).not.toBe(root);
    expect(merkleRoot(lines.slice(0, 4))).not.toBe(root);
    expect(merkleRoot([...lines, Buffer.from('f')])).not.toBe(root);
  });

  it('a leaf cannot pose as an interior node (domain separation)', () => {
    const a = Buffer.from('a');
    const b = Buffer.from('b');
    const leafA = createHash('sha256')
      .update(Buffer.from([0]))
      .update(a)
      .digest();
    const leafB = createHash('sha256')
      .update(Buffer.from([0]))
      .update(b)
      .digest();
    // Without the prefixes, a one-leaf tree over leafA||leafB would equal the two-leaf tree.
    expect(merkleRoot([Buffer.concat([leafA, leafB])])).not.toBe(merkleRoot([a, b]));
  });
});
