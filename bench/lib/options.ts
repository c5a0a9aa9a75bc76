/** What one `npm run bench` invocation runs: read from the command line, every run bounded in time. */
export interface BenchOptions {
  /** Seconds of unrecorded load before a case's measured runs (JIT, caches, connection pools). */
  warmupSec: number;
  /** Seconds of each measured run. */
  durationSec: number;
  /** Measured runs per case and connection count. */
  repeats: number;
  /** Connection counts each case runs at. */
  connections: number[];
  /** Case ids (or prefixes such as `ours` or `oidc`) to run; empty means the default set. */
  cases: string[];
  /** Adds the 60-second RSS soak of our token and skill endpoints. */
  soak: boolean;
  soakSec: number;
  /** Profiles our server with `node --cpu-prof` and prints its hottest frames. */
  cpuProf: boolean;
  /** LOG_LEVEL of our server (production's default is info: one line per request). */
  logLevel: string;
  /** Reuse the compiled JavaScript from the last run instead of compiling again. */
  skipBuild: boolean;
  /** Where the JSON results go (a file); default bench/results/bench-<time>.json. */
  out: string | undefined;
  /** Core the servers under test are pinned to, and the core of the load generator. */
  serverCore: number;
  loadCore: number;
  /** `--cost`: measure Redis bytes per linked user instead of running the cases. */
  cost: boolean;
  /** Populations linked and measured by `--cost`. */
  costUsers: number[];
  /** Rotations each user of the rotation population makes (0: none), and its size. */
  costRotations: number;
  costRotationUsers: number;
}

/** What `npm run bench -- --help` prints. */
export const USAGE = `npm run bench -- [flags]
  --quick              ~1-minute smoke: 1 s warm-up, one 2 s run per case at 10 and 50 connections
  --case=a,b           only these cases (ids or prefixes: ours, peer, oidc, ask, ours.refresh, ...)
  --duration=10        seconds per measured run            --warmup=5   seconds of warm-up per case
  --repeats=2          measured runs per connection count  --connections=10,50
  --soak               add the 60 s RSS soak at 50 connections (--soak-duration=60)
  --cpu-prof           profile our server (node --cpu-prof) and print its top frames
  --log-level=warn     our server's LOG_LEVEL (info measures production's per-request log line)
  --no-build           reuse bench/results/build from the last run
  --out=FILE           JSON results file (default bench/results/bench-<time>.json)
  --cost               Redis bytes and keys per linked user by key type (--cost-users=1000,20000,
                       --cost-rotations=720 for --cost-rotation-users=100 users), instead of the cases
  --list               print the case ids and exit`;

/** Parses argv (without node and script); throws an Error naming the bad flag. */
export function parseOptions(argv: string[]): BenchOptions & { list: boolean; help: boolean } {
  const options: BenchOptions & { list: boolean; help: boolean } = {
    warmupSec: 5,
    durationSec: 10,
    repeats: 2,
    connections: [10, 50],
    cases: [],
    soak: false,
    soakSec: 60,
    cpuProf: false,
    logLevel: 'warn',
    skipBuild: false,
    out: undefined,
    serverCore: 0,
    loadCore: 1,
    cost: false,
    costUsers: [1000, 20_000],
    costRotations: 720,
    costRotationUsers: 100,
    list: false,
    help: false,
  };
  let quick = false;
  const explicit = new Set<string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    const name = match[1] as string;
    const value = match[2];
    explicit.add(name);
    switch (name) {
      case 'quick':
        quick = true;
        break;
      case 'soak':
        options.soak = true;
        break;
      case 'cpu-prof':
        options.cpuProf = true;
        break;
      case 'no-build':
        options.skipBuild = true;
        break;
      case 'list':
        options.list = true;
        break;
      case 'help':
        options.help = true;
        break;
      case 'case':
        options.cases = required(name, value).split(',').map((c) => c.trim()).filter(Boolean);
        break;
      case 'duration':
        options.durationSec = positive(name, value, 1, 600);
        break;
      case 'warmup':
        options.warmupSec = positive(name, value, 0, 120);
        break;
      case 'repeats':
        options.repeats = positive(name, value, 1, 20);
        break;
      case 'soak-duration':
        options.soakSec = positive(name, value, 10, 3600);
        break;
      case 'connections':
        options.connections = required(name, value).split(',').map((c) => positive(name, c.trim(), 1, 1000));
        break;
      case 'log-level':
        options.logLevel = required(name, value);
        if (!['fatal', 'error', 'warn', 'info', 'debug', 'silent'].includes(options.logLevel)) throw new Error(`--log-level must be a pino level, got "${options.logLevel}"`);
        break;
      case 'cost':
        options.cost = true;
        break;
      case 'cost-users':
        options.costUsers = required(name, value).split(',').map((c) => positive(name, c.trim(), 1, 1_000_000));
        break;
      case 'cost-rotations':
        options.costRotations = positive(name, value, 0, 100_000);
        break;
      case 'cost-rotation-users':
        options.costRotationUsers = positive(name, value, 1, 100_000);
        break;
      case 'out':
        options.out = required(name, value);
        break;
      default:
        throw new Error(`unknown flag --${name}\n${USAGE}`);
    }
  }
  if (quick) {
    // Flags given beside --quick still win, so `--quick --case=ours.refresh --duration=3` works.
    if (!explicit.has('warmup')) options.warmupSec = 1;
    if (!explicit.has('duration')) options.durationSec = 2;
    if (!explicit.has('repeats')) options.repeats = 1;
  }
  return options;
}

function required(name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new Error(`--${name} needs a value (--${name}=...)`);
  return value;
}

function positive(name: string, value: string | undefined, min: number, max: number): number {
  const text = required(name, value);
  if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a whole number, got "${text}"`);
  const number = Number(text);
  if (number < min || number > max) throw new Error(`--${name} must be between ${min} and ${max}, got ${number}`);
  return number;
}
