/** `npm run bench -- [options]`; `--tiny` is the smoke test's configuration. */
export interface BenchOptions {
  tiny: boolean;
  scales: number[];
  samples: number;
  warmup: number;
  budgetMs: number;
  /** Write audit records of the cloned objects too (more items, slower load; no measured endpoint reads them). */
  audit: boolean;
  coldRuns: number;
  loadSeconds: number;
  connections: number;
  skip: Set<'endpoints' | 'cold' | 'load'>;
  out: string;
}

export const USAGE = `npm run bench -- [options]
  --scale 1,100        data sizes (multiples of 100 requests, 500 bids, 20 contracts, 1,000 notifications)
  --samples 60         timed requests per endpoint and size (writes: one fresh object each)
  --budget 20          seconds a read case may take before it stops with fewer samples (slow endpoints)
  --cold-runs 7        fresh Node processes per bundle for the cold start
  --load-seconds 60    duration of the load run
  --connections 50     concurrent connections of the load run
  --skip endpoints,cold,load
  --audit              also clone audit records into the bulk data
  --tiny               tiny counts and durations (the smoke test)
  --out test-results/bench.json`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (['tiny', 'audit', 'help'].includes(name)) args.set(name, 'true');
    else args.set(name, inline ?? argv[++i] ?? '');
  }
  if (args.has('help')) {
    console.log(USAGE);
    process.exit(0);
  }
  const tiny = args.has('tiny');
  const number = (name: string, fallback: number) => {
    const value = args.has(name) ? Number(args.get(name)) : fallback;
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number`);
    return value;
  };
  const scales = (args.get('scale') ?? (tiny ? '0.05,0.1' : '1,100')).split(',').map(Number);
  if (scales.some((scale) => !(scale > 0))) throw new Error('--scale takes positive numbers, e.g. 1,100');
  const skip = new Set((args.get('skip') ?? '').split(',').filter(Boolean)) as BenchOptions['skip'];
  for (const part of skip) if (!['endpoints', 'cold', 'load'].includes(part)) throw new Error(`--skip: unknown part ${part}`);
  return {
    tiny,
    scales,
    samples: number('samples', tiny ? 2 : 60),
    warmup: tiny ? 0 : 5,
    budgetMs: number('budget', tiny ? 5 : 20) * 1000,
    audit: args.has('audit'),
    coldRuns: number('cold-runs', tiny ? 1 : 7),
    loadSeconds: number('load-seconds', tiny ? 4 : 60),
    connections: number('connections', tiny ? 8 : 50),
    skip,
    out: args.get('out') ?? (tiny ? 'test-results/bench-tiny.json' : 'test-results/bench.json'),
  };
}
