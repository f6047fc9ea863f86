import { z } from 'zod';
import { TranscriptSnapshotSchema } from './client-session.ts';
import { ExchangeSchema, type Exchange } from './exchange.ts';

/** Protocol areas of the server-certifying suite, in report order. */
export const SERVER_AREAS = [
  'discovery',
  'capabilities',
  'registration',
  'approval',
  'jwt',
  'constraints',
  'lifecycle',
  'key-rotation',
  'execution',
  'introspection',
  'errors',
  'state',
] as const;
export type ServerArea = (typeof SERVER_AREAS)[number];

/** Protocol areas of the client-certifying suite, in report order. */
export const CLIENT_AREAS = [
  'discovery',
  'jwt',
  'registration',
  'approval',
  'execution',
  'capability-requests',
  'lifecycle',
  'security',
  'rate-limits',
] as const;
export type ClientArea = (typeof CLIENT_AREAS)[number];

/** Every area either suite uses, server order first: renderers list areas in this order. */
export const AREAS = [...new Set<string>([...SERVER_AREAS, ...CLIENT_AREAS])] as [
  ServerArea | ClientArea,
  ...(ServerArea | ClientArea)[],
];
export type Area = ServerArea | ClientArea;
export const AreaSchema = z.enum(AREAS);

/** How a failed check is scored: MUST → failed, SHOULD → warning (failed under --strict), MAY → info. */
export const CHECK_LEVELS = ['MUST', 'SHOULD', 'MAY'] as const;
export type CheckLevel = (typeof CHECK_LEVELS)[number];
export const CheckLevelSchema = z.enum(CHECK_LEVELS);

export const CHECK_STATUSES = ['passed', 'failed', 'warning', 'info', 'skipped', 'not-applicable', 'error'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];
export const CheckStatusSchema = z.enum(CHECK_STATUSES);

/**
 * What a failing check saw, beside its message: the expected and observed values (JSON, so a report
 * viewer can show them side by side) and the exchange that shows it.
 */
export const FailureDetailSchema = z.object({
  expected: z.unknown().optional(),
  observed: z.unknown().optional(),
  /** `seq` of the exchange (within the check) that shows the failure. */
  exchange: z.number().int().positive().optional(),
});
export type FailureDetail = z.infer<typeof FailureDetailSchema>;

export const CheckResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  area: AreaSchema,
  requirements: z.array(z.string()),
  rulings: z.array(z.string()),
  level: CheckLevelSchema,
  status: CheckStatusSchema,
  /**
   * Server runs: the cell of the state table (spec/state-table.yaml) this check walks — the state the
   * agent was brought into and the operation performed there — for the state × operation matrix.
   */
  cell: z.object({ state: z.string(), operation: z.string() }).optional(),
  /** Why it failed, was skipped, or is not applicable. */
  message: z.string().optional(),
  /** Structured detail of a failure, when the check could say what it expected and saw. */
  failure: FailureDetailSchema.optional(),
  notes: z.array(z.string()),
  duration_ms: z.number().nonnegative(),
  /** How many exchanges the check made (all of them, whether or not they are kept below). */
  exchange_count: z.number().int().nonnegative(),
  /**
   * The exchanges, kept for checks that did not pass (and for every check with
   * `--record-exchanges all`); empty for a passing check otherwise.
   */
  exchanges: z.array(ExchangeSchema),
  /**
   * Client runs: the driven client's session (tool calls, results, notifications, stderr), kept like
   * the exchanges (for scenarios that did not pass, or all with `--record-exchanges all`).
   */
  transcript: TranscriptSnapshotSchema.optional(),
  /** Stack trace of a harness error. */
  stack: z.string().optional(),
  /** Set when the baseline lists this check. */
  baseline: z.enum(['known-failure', 'fixed', 'unverified']).optional(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

export const StatusCountsSchema = z.object(
  Object.fromEntries(CHECK_STATUSES.map((status) => [status, z.number().int().nonnegative()])) as Record<
    CheckStatus,
    z.ZodNumber
  >,
);
export type StatusCounts = z.infer<typeof StatusCountsSchema>;

export const SummarySchema = z.object({
  total: z.number().int().nonnegative(),
  counts: StatusCountsSchema,
  by_area: z.record(z.string(), StatusCountsSchema),
});
export type Summary = z.infer<typeof SummarySchema>;

export function emptyCounts(): StatusCounts {
  return { passed: 0, failed: 0, warning: 0, info: 0, skipped: 0, 'not-applicable': 0, error: 0 };
}

export function summarize(checks: readonly CheckResult[]): Summary {
  const counts = emptyCounts();
  const byArea: Record<string, StatusCounts> = {};
  for (const check of checks) {
    counts[check.status] += 1;
    byArea[check.area] ??= emptyCounts();
    const area = byArea[check.area] as StatusCounts;
    area[check.status] += 1;
  }
  return { total: checks.length, counts, by_area: byArea };
}

/**
 * How much of the suite actually ran: every check but the skipped and the not-applicable ones, out
 * of those that apply to the target (a feature the target does not offer is no gap in the run).
 */
export function ranShare(summary: Summary): { ran: number; applicable: number; share: number } {
  const applicable = summary.total - summary.counts['not-applicable'];
  const ran = applicable - summary.counts.skipped;
  return { ran, applicable, share: applicable === 0 ? 0 : ran / applicable };
}

/** Why checks were skipped, most frequent first: each distinct reason with how many checks it skipped. */
export function skipReasons(checks: readonly CheckResult[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const check of checks)
    if (check.status === 'skipped') {
      const reason = check.message ?? 'no reason given';
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
}

/** One line saying how much of the suite ran, e.g. "65 of 304 checks ran; 191 skipped, 48 not applicable". */
export function ranLine(summary: Summary): string {
  const { ran } = ranShare(summary);
  return `${ran} of ${summary.total} checks ran; ${summary.counts.skipped} skipped, ${summary.counts['not-applicable']} not applicable`;
}

/** Which exchanges a report keeps: those of checks that did not pass (default), or all. */
export const EXCHANGE_RECORDING = ['failures', 'all'] as const;
export type ExchangeRecording = (typeof EXCHANGE_RECORDING)[number];

/** The exchange a failing check stopped at: the one its failure names, else its last refused or broken request. */
export function stoppingExchange(result: Pick<CheckResult, 'failure' | 'exchanges'>): Exchange | undefined {
  const named = result.failure?.exchange;
  if (named !== undefined) return result.exchanges.find((exchange) => exchange.seq === named);
  return [...result.exchanges]
    .reverse()
    .find((exchange) => exchange.error !== undefined || (exchange.response?.status ?? 0) >= 400);
}
