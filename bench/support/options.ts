import { parseArgs } from 'node:util';

export interface BenchOptions {
  quick: boolean;
  /** Measure Lingua under load with --cpu-prof instead of comparing. */
  profile: boolean;
  /** Which platform the profiled Lingua runs (`--platform off|sqlite|postgres`, default off). */
  profilePlatform: 'off' | 'sqlite' | 'postgres';
  /** `--targets a,b`: only these of the optional targets (default all). */
  targets: string[] | undefined;
  rounds: number;
  /** Seconds of each measured load. */
  seconds: number;
  warmupSeconds: number;
  /** Seconds of uncounted load each gateway gets once, before the first round: JIT warm-up to steady state. */
  settleSeconds: number;
  /** Seconds of the one-connection (unloaded) latency run. */
  latencySeconds: number;
  connections: number;
  /** Streams: sequential requests, then concurrentTotal at streamConcurrency. */
  sequential: number;
  streamConcurrency: number;
  concurrentTotal: number;
}

/** `--quick` for a short smoke run; anything else unknown is ignored (run.ts passes argv to every bench). */
export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      quick: { type: 'boolean' },
      profile: { type: 'boolean' },
      platform: { type: 'string' },
      targets: { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
    },
  });
  const quick = values.quick === true;
  // Whole numbers: wrk takes whole seconds.
  const num = (v: unknown, fallback: number) => (typeof v === 'string' && Number(v) >= 1 ? Math.round(Number(v)) : fallback);
  return {
    quick,
    profile: values.profile === true,
    profilePlatform: values.platform === 'sqlite' || values.platform === 'postgres' ? values.platform : 'off',
    targets: typeof values.targets === 'string' ? values.targets.split(',') : undefined,
    rounds: num(values.rounds, quick ? 1 : 8),
    seconds: num(values.duration, quick ? 3 : 4),
    warmupSeconds: 1,
    settleSeconds: quick ? 2 : 10,
    latencySeconds: 2,
    connections: num(values.connections, 50),
    sequential: quick ? 100 : 300,
    streamConcurrency: 16,
    concurrentTotal: quick ? 500 : 2000,
  };
}
