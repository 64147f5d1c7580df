// A small seeded random source, so a generated scenario is the same on every machine for one seed.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  /** Picks an item with probability proportional to its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T;
  /** Waiting time of a Poisson process with this rate (events per unit of time). */
  exponential(rate: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Lognormal with this median and log-space standard deviation. */
  lognormal(median: number, sigma: number): number;
  /** A Fisher-Yates shuffled copy. */
  shuffled<T>(items: readonly T[]): T[];
}

/** mulberry32: 32 bits of state is plenty for scenario generation and it is tiny and well tested. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  const int = (n: number): number => Math.floor(next() * n);
  const random: Random = {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)]!;
    },
    weighted: (choices) => {
      const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
      let x = next() * total;
      for (const [item, weight] of choices) {
        x -= weight;
        if (x < 0) return item;
      }
      return choices[choices.length - 1]![0];
    },
    // 1 - next() is in (0, 1], so the logarithm stays finite.
    exponential: (rate) => -Math.log(1 - next()) / rate,
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    lognormal: (median, sigma) => median * Math.exp(sigma * random.normal()),
    shuffled: (items) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    },
  };
  return random;
}
