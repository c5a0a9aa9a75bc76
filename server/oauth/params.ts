/**
 * Strict reading of OAuth parameters from a query string or a form body. RFC 6749 §3.1: parameters
 * sent without a value count as omitted, and no parameter may appear twice. Values must be valid
 * percent-encoded UTF-8, so what we echo back (state) is exactly what the client sent.
 */
export type ParamProblemKind = 'duplicated' | 'too_long' | 'malformed';

export interface ParamProblem {
  name: string;
  kind: ParamProblemKind;
  /** For too_long: the limit. */
  limit?: number;
}

/** A parsed query or form body: every value of every name, plus names whose encoding was broken. */
export class ParamSet {
  private constructor(
    private readonly values: ReadonlyMap<string, string[]>,
    private readonly malformed: ReadonlySet<string>,
  ) {}

  /** Parses `a=1&b=2` (no leading `?`), `+` meaning space, as application/x-www-form-urlencoded does. */
  static parse(encoded: string): ParamSet {
    const values = new Map<string, string[]>();
    const malformed = new Set<string>();
    // Walks the string by index (the token endpoint parses one of these per request). The next '=' is
    // remembered, so a body of many pairs without one is still read in one pass, not one per pair.
    let eq = -1;
    for (let start = 0; start < encoded.length; ) {
      const amp = encoded.indexOf('&', start);
      const end = amp === -1 ? encoded.length : amp;
      if (end > start) {
        if (eq < start) {
          const found = encoded.indexOf('=', start);
          eq = found === -1 ? Infinity : found;
        }
        const split = eq < end;
        const name = decode(encoded.slice(start, split ? eq : end));
        // A name we cannot read is not one of ours: the pair is skipped.
        if (name !== undefined) {
          const value = split ? decode(encoded.slice(eq + 1, end)) : '';
          if (value === undefined) malformed.add(name);
          else {
            const seen = values.get(name);
            if (seen) seen.push(value);
            else values.set(name, [value]);
          }
        }
      }
      start = end + 1;
    }
    return new ParamSet(values, malformed);
  }

  /** The query string of a request URL (`req.originalUrl`), parsed. */
  static fromUrl(originalUrl: string): ParamSet {
    const question = originalUrl.indexOf('?');
    return ParamSet.parse(question === -1 ? '' : originalUrl.slice(question + 1));
  }

  /** True when the name appears at all (even empty or malformed). */
  has(name: string): boolean {
    return this.values.has(name) || this.malformed.has(name);
  }

  /**
   * The one value of each named parameter (empty values count as absent), and the problems found,
   * in the order the names were given.
   */
  read<N extends string>(limits: Readonly<Record<N, number>>): { values: Partial<Record<N, string>>; problems: ParamProblem[] } {
    const values: Partial<Record<N, string>> = {};
    const problems: ParamProblem[] = [];
    for (const name of Object.keys(limits) as N[]) {
      const problem = this.problemWith(name, limits[name]);
      if (problem) {
        problems.push(problem);
        continue;
      }
      const value = this.values.get(name)?.find((v) => v !== '');
      if (value !== undefined) values[name] = value;
    }
    return { values, problems };
  }

  private problemWith(name: string, limit: number): ParamProblem | undefined {
    if (this.malformed.has(name)) return { name, kind: 'malformed' };
    let present: string | undefined;
    for (const value of this.values.get(name) ?? []) {
      if (value === '') continue;
      if (present !== undefined) return { name, kind: 'duplicated' };
      present = value;
    }
    if (present !== undefined && present.length > limit) return { name, kind: 'too_long', limit };
    return undefined;
  }
}

/** A sentence describing a parameter problem, for error_description. */
export function describeProblem(problem: ParamProblem): string {
  switch (problem.kind) {
    case 'duplicated':
      return `The ${problem.name} parameter was sent more than once.`;
    case 'too_long':
      return `The ${problem.name} parameter is longer than ${problem.limit} characters.`;
    case 'malformed':
      return `The ${problem.name} parameter is not valid percent-encoded UTF-8.`;
  }
}

function decode(text: string): string | undefined {
  // Most OAuth values (codes, tokens, grant types) need no decoding at all.
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return undefined;
  }
}
