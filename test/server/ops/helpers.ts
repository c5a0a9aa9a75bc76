import { expect } from 'chai';
import type { TestService } from '../../support/service';

export const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
export const ADMIN = { username: 'operator', password: 'operator password for tests' };

/** The env that turns the operator faces on. */
export const OPS_ENV = { METRICS_TOKEN, ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password };

/** The /metrics text of a service (asserting it answered). */
export async function scrapeMetrics(service: TestService): Promise<string> {
  const response = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await response.text();
  expect(response.status, text.slice(0, 300)).to.equal(200);
  return text;
}

/** The value of one series in Prometheus text (0 when the series is absent, as Prometheus treats it). */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const seen = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => seen[key] === value)) return Number(match[3]);
  }
  return 0;
}

/** The log lines of an event, asserting there is exactly one. */
export function oneLine(service: TestService, event: string): Record<string, unknown> {
  const lines = service.logs.events(event);
  expect(lines, `${event} lines: ${JSON.stringify(lines)}`).to.have.length(1);
  return lines[0] as Record<string, unknown>;
}
