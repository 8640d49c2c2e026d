/**
 * A small, strict argv parser: known flags only, `--flag value` and `--flag=value`, repeatable
 * flags collect arrays. Unknown flags and missing values are usage errors with a clear message.
 */
export interface FlagSpec {
  type: 'string' | 'number' | 'boolean' | 'list' | 'optional-number';
  describe: string;
  arg?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export type ParsedFlags<S extends FlagSpecs> = {
  [K in keyof S]?: S[K]['type'] extends 'boolean'
    ? boolean
    : S[K]['type'] extends 'number'
      ? number
      : S[K]['type'] extends 'list'
        ? string[]
        : S[K]['type'] extends 'optional-number'
          ? number | true
          : string;
};

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs<S extends FlagSpecs>(
  argv: string[],
  specs: S,
): { flags: ParsedFlags<S>; positional: string[] } {
  const flags: Record<string, unknown> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option --${name} (see --help)`);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    if (spec.type === 'optional-number') {
      const nextArg = argv[i + 1];
      const candidate =
        inline ?? (nextArg !== undefined && /^\d+$/.test(nextArg) ? argv[++i] : undefined);
      flags[name] = candidate === undefined ? true : toNumber(name, candidate);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const nextArg = argv[i + 1];
      if (nextArg === undefined || nextArg.startsWith('--'))
        throw new UsageError(`--${name} needs a value${spec.arg ? ` (${spec.arg})` : ''}`);
      value = nextArg;
      i++;
    }
    if (spec.type === 'number') flags[name] = toNumber(name, value);
    else if (spec.type === 'list')
      flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else flags[name] = value;
  }
  return { flags: flags as ParsedFlags<S>, positional };
}

function toNumber(name: string, value: string): number {
  if (!/^-?\d+(\.\d+)?$/.test(value))
    throw new UsageError(`--${name} expects a number, got ${JSON.stringify(value)}`);
  return Number(value);
}
