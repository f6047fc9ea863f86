import { stoppingExchange, type Exchange, type Report } from '../model/index.ts';

/** One answer that stopped several checks: "`400 agent_limit_reached` at register blocks 6 checks". */
export interface RootCause {
  /** The request and the answer, e.g. "400 agent_limit_reached at register (POST /agent/register)". */
  cause: string;
  checks: string[];
}

function answerOf(exchange: Exchange): string {
  if (exchange.error) return exchange.error.kind;
  let code = '';
  try {
    const body: unknown = JSON.parse(exchange.response?.body ?? '');
    const error = (body as { error?: unknown } | null)?.error;
    if (typeof error === 'string') code = ` ${error}`;
  } catch {
    // not a JSON answer: the status alone
  }
  return `${exchange.response?.status ?? '?'}${code}`;
}

function requestOf(exchange: Exchange): string {
  let path = exchange.request.url;
  try {
    path = new URL(exchange.request.url).pathname;
  } catch {
    // keep the URL as recorded
  }
  const where = `${exchange.request.method} ${path}`;
  return exchange.label ? `${exchange.label} (${where})` : where;
}

/**
 * Groups the failed and erroring checks of a server report by the request and answer they stopped
 * at, so one cause blocking many checks (a quota, a rate limit, a broken endpoint) reads as one line.
 * Only causes shared by two or more checks are returned, the largest first.
 */
export function rootCauses(report: Report): RootCause[] {
  if (report.kind !== 'server') return [];
  const groups = new Map<string, string[]>();
  for (const result of report.checks) {
    if (result.status !== 'failed' && result.status !== 'error') continue;
    const exchange = stoppingExchange(result);
    if (exchange === undefined) continue;
    const cause = `${answerOf(exchange)} at ${requestOf(exchange)}`;
    groups.set(cause, [...(groups.get(cause) ?? []), result.id]);
  }
  return [...groups]
    .filter(([, checks]) => checks.length > 1)
    .map(([cause, checks]) => ({ cause, checks }))
    .sort((a, b) => b.checks.length - a.checks.length);
}
