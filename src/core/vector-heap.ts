// The priority queue both min-cost-flow solvers share: indices ordered by lexicographic cost vectors in one flat array.
import { COST_SIZE } from './lex-cost.js';

const K = COST_SIZE;

/** Whether index a's distance vector is less than b's; equal vectors order by index, so runs are deterministic. */
export function vectorLess(dist: Float64Array, a: number, b: number): boolean {
  for (let k = 0; k < K; k++) {
    const x = dist[a * K + k]!;
    const y = dist[b * K + k]!;
    if (x !== y) return x < y;
  }
  return a < b;
}

/** A binary min-heap of indices (columns, nodes) keyed by their distance vector, then index; decrease-key by position. */
export class VectorHeap {
  private readonly items: Int32Array;
  private readonly position: Int32Array;
  private size = 0;

  constructor(
    capacity: number,
    private readonly dist: Float64Array,
  ) {
    this.items = new Int32Array(capacity);
    this.position = new Int32Array(capacity).fill(-1);
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.position[this.items[i]!] = -1;
    this.size = 0;
  }

  push(item: number): void {
    this.items[this.size] = item;
    this.position[item] = this.size;
    this.size++;
    this.up(this.size - 1);
  }

  decreased(item: number): void {
    this.up(this.position[item]!);
  }

  pop(): number {
    if (this.size === 0) return -1;
    const top = this.items[0]!;
    this.position[top] = -1;
    this.size--;
    if (this.size > 0) {
      const last = this.items[this.size]!;
      this.items[0] = last;
      this.position[last] = 0;
      this.down(0);
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    return vectorLess(this.dist, a, b);
  }

  private up(index: number): void {
    const items = this.items;
    const item = items[index]!;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const other = items[parent]!;
      if (!this.less(item, other)) break;
      items[index] = other;
      this.position[other] = index;
      index = parent;
    }
    items[index] = item;
    this.position[item] = index;
  }

  private down(index: number): void {
    const items = this.items;
    const item = items[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.less(items[right]!, items[left]!) ? right : left;
      const other = items[child]!;
      if (!this.less(other, item)) break;
      items[index] = other;
      this.position[other] = index;
      index = child;
    }
    items[index] = item;
    this.position[item] = index;
  }
}
