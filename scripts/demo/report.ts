import type { SimulatorEvent } from '../../simulator/events';

const FROM_WIDTH = 7;
const TO_WIDTH = 20;
const METHOD_WIDTH = 6;
const PATH_WIDTH = 40;
/** Opaque values (states, challenges, ids) longer than this are cut: enough to follow them from line to line. */
const VALUE_WIDTH = 24;
/** URLs are kept longer: their path is what the reader looks for. */
const URL_WIDTH = 60;
const NOTE_WIDTH = 90;
/** Parameters that describe rather than identify: shown whole. */
const DESCRIPTIVE = new Set(['request', 'grant_type', 'scope', 'response_type', 'username', 'fragment', 'type', 'stage', 'decision', 'echoed']);

/** How exchanges are shown for one simulator + service pair: the skill id and loopback origins by name. */
export interface ExchangeView {
  skillId: string;
  /** Origin → short name, e.g. http://127.0.0.1:41234 → {service}. */
  aliases: Array<[string, string]>;
}

/**
 * Where the demo writes: every line goes to the terminal and is kept, so the demo can check at the
 * end that none of the secrets it handled was ever printed.
 */
export class Output {
  private readonly written: string[] = [];

  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  /** Prints one line. */
  line(text = ''): void {
    this.written.push(text);
    this.write(`${text}\n`);
  }

  /** Everything printed so far. */
  text(): string {
    return this.written.join('\n');
  }
}

/** A path for the printout: the skill id replaced by {skillId}, a full URL reduced to its path. */
export function displayPath(url: string, skillId: string): string {
  const path = /^https?:\/\//.test(url) ? new URL(url).pathname : url;
  return path.split(skillId).join('{skillId}');
}

/**
 * One exchange on one line, in aligned columns:
 * `  10:04:05  Alexa   → service              POST   /oauth/token      200  grant_type=… · note`.
 * Parameters arrive masked from the event log; loopback origins get their names, long values are cut.
 */
export function exchangeLine(event: SimulatorEvent, view: ExchangeView): string {
  const time = event.at.slice(11, 19);
  const status = event.status === undefined ? '---' : String(event.status);
  const params = Object.entries(event.params)
    .map(([key, value]) => {
      const shown = alias(value, view);
      if (DESCRIPTIVE.has(key)) return `${key}=${shown}`;
      return `${key}=${cut(shown, /^(\{|https?:)/.test(shown) ? URL_WIDTH : VALUE_WIDTH)}`;
    })
    .join(' ');
  const path = cut(displayPath(event.url, view.skillId), PATH_WIDTH);
  const note = event.note ? cut(alias(event.note, view).split(view.skillId).join('{skillId}'), NOTE_WIDTH) : '';
  const tail = [note, params].filter(Boolean).join(' · ');
  return `    ${time}  ${pad(event.from, FROM_WIDTH)} → ${pad(event.to, TO_WIDTH)} ${pad(event.method, METHOD_WIDTH)} ${pad(path, PATH_WIDTH)} ${status}  ${tail}`.trimEnd();
}

function alias(text: string, view: ExchangeView): string {
  let out = text;
  for (const [origin, name] of view.aliases) out = out.split(origin).join(name);
  return out;
}

/** A story's outcome for the final table. */
export interface StoryOutcome {
  id: number;
  title: string;
  worked: boolean;
  stepsPassed: number;
  steps: number;
  /** The first failed step and why, when it did not work. */
  failure: string | undefined;
}

/** The final table: one row per story, saying whether it worked. */
export function summaryTable(outcomes: StoryOutcome[]): string[] {
  const titleWidth = Math.max(5, ...outcomes.map((o) => o.title.length));
  const lines = [`  #  ${pad('story', titleWidth)}  result  steps`];
  for (const outcome of outcomes) {
    const result = outcome.worked ? 'worked' : 'FAILED';
    const failure = outcome.failure ? `  ${outcome.failure}` : '';
    lines.push(`  ${outcome.id}  ${pad(outcome.title, titleWidth)}  ${pad(result, 6)}  ${outcome.stepsPassed}/${outcome.steps}${failure}`);
  }
  return lines;
}

/**
 * The secrets (and tokens, codes) that appear in `text`, by label, never the values themselves.
 * Values shorter than 8 characters are not checked: they could match ordinary words.
 */
export function leakedSecrets(text: string, secrets: Map<string, string>): string[] {
  const leaked = new Set<string>();
  for (const [value, label] of secrets) if (value.length >= 8 && text.includes(value)) leaked.add(label);
  return [...leaked];
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function cut(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
