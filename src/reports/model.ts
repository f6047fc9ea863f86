import { z } from 'zod';
import { AREAS } from '../harness/check.ts';
import { EndpointResolutionSchema } from '../harness/endpoints.ts';
import { ExchangeSchema } from '../harness/exchange.ts';
import { TargetProfileSchema } from '../harness/target-profile.ts';
import { ActiveWorkaroundSchema } from '../harness/workarounds.ts';

export const TOOL_NAME = 'agent-auth-conformance';
export const SPEC_VERSION = '1.0-draft';

export const CHECK_STATUSES = ['passed', 'failed', 'warning', 'info', 'skipped', 'not-applicable', 'error'] as const;
export const CheckStatusSchema = z.enum(CHECK_STATUSES);

export const AreaSchema = z.enum(AREAS);
export const CheckLevelSchema = z.enum(['MUST', 'SHOULD', 'MAY']);

export const CheckResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  area: AreaSchema,
  requirements: z.array(z.string()),
  rulings: z.array(z.string()),
  level: CheckLevelSchema,
  status: CheckStatusSchema,
  /** Why it failed, was skipped, or is not applicable. */
  message: z.string().optional(),
  notes: z.array(z.string()),
  duration_ms: z.number().nonnegative(),
  exchanges: z.array(ExchangeSchema),
  /** Stack trace of a harness error. */
  stack: z.string().optional(),
  /** Set when the baseline lists this check. */
  baseline: z.enum(['known-failure', 'fixed', 'unverified']).optional(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

export const StatusCountsSchema = z.object(
  Object.fromEntries(CHECK_STATUSES.map((status) => [status, z.number().int().nonnegative()])) as Record<
    (typeof CHECK_STATUSES)[number],
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

export const COVERAGE_STATUSES = ['passed', 'failed', 'warned', 'skipped', 'untested'] as const;
export const CoverageEntrySchema = z.object({
  id: z.string(),
  section: z.string().optional(),
  level: z.string().optional(),
  role: z.string().optional(),
  observable: z.string().optional(),
  status: z.enum(COVERAGE_STATUSES),
  checks: z.array(z.string()),
});
export type CoverageEntry = z.infer<typeof CoverageEntrySchema>;

export const CoverageSchema = z.object({
  /** Whether the requirement catalogue could be read; without it only cited ids are listed. */
  catalogue: z.enum(['loaded', 'unavailable']),
  catalogue_error: z.string().optional(),
  requirements: z.array(CoverageEntrySchema),
  /** Ids cited by checks that the catalogue does not contain. */
  unknown_ids: z.array(z.object({ id: z.string(), checks: z.array(z.string()) })),
  counts: z.record(z.enum(COVERAGE_STATUSES), z.number().int().nonnegative()),
  /** The same counts over requirements a harness playing a client can observe on a server (role server or
   * resource-server; observable black-box-server or operator). */
  server_observable_counts: z.record(z.enum(COVERAGE_STATUSES), z.number().int().nonnegative()),
});
export type Coverage = z.infer<typeof CoverageSchema>;

const BaselineEntrySchema = z.object({ check: z.string(), comment: z.string().optional() });

export const BaselineOutcomeSchema = z.object({
  file: z.string(),
  /** Failures the baseline expects: they do not fail the run. */
  known_failures: z.array(BaselineEntrySchema),
  /** Failures the baseline does not list: they fail the run. */
  new_failures: z.array(z.string()),
  /** Baseline entries whose check now passes: remove them (they fail the run). */
  fixed: z.array(BaselineEntrySchema),
  /** Baseline entries naming no known check (they fail the run). */
  stale: z.array(BaselineEntrySchema),
  /** Baseline entries whose check did not reach a verdict (skipped, not applicable, error, not selected). */
  unverified: z.array(BaselineEntrySchema),
  ok: z.boolean(),
});
export type BaselineOutcome = z.infer<typeof BaselineOutcomeSchema>;

export const SetupSchema = z.object({
  ok: z.boolean(),
  /** Why the run could not start (usage, configuration, unreachable or unusable discovery). */
  error: z.string().optional(),
  notes: z.array(z.string()),
  control: z.object({ url: z.string(), supports: z.array(z.string()), unknown: z.array(z.string()) }).nullable(),
  /** The target profile the checks used (given and inferred roles merged). */
  profile: TargetProfileSchema.nullable(),
  profile_source: z.enum(['file', 'embedded', 'inferred', 'file+inferred', 'embedded+inferred', 'none']),
  exchanges: z.array(ExchangeSchema),
});
export type Setup = z.infer<typeof SetupSchema>;

export const ReportOptionsSchema = z.object({
  only: z.array(z.string()),
  skip: z.array(z.string()),
  strict: z.boolean(),
  timeout_ms: z.number().int().positive(),
  check_timeout_ms: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  formats: z.array(z.string()),
  baseline: z.string().nullable(),
  profile: z.string().nullable(),
  /** Names of the extra headers sent with every request (values are not recorded here). */
  headers: z.array(z.string()),
});
export type ReportOptions = z.infer<typeof ReportOptionsSchema>;

export const ReportSchema = z.object({
  tool: z.object({ name: z.literal(TOOL_NAME), version: z.string() }),
  spec_version: z.literal(SPEC_VERSION),
  kind: z.literal('server'),
  target: z.object({
    url: z.string().nullable(),
    discovery_url: z.string().nullable(),
    issuer: z.string().nullable(),
    control_url: z.string().nullable(),
    embedded: z.boolean(),
    /** How each discovery endpoint resolved (relative path joined to the issuer, or absolute URL). */
    endpoints: z.record(z.string(), EndpointResolutionSchema),
  }),
  seed: z.number().int(),
  started_at: z.string(),
  finished_at: z.string(),
  duration_ms: z.number().nonnegative(),
  options: ReportOptionsSchema,
  setup: SetupSchema,
  /**
   * Workarounds the target profile declared: known deviations the harness stepped around so the rest
   * of the suite could observe the server. Results of this run hold only with them; empty when none.
   */
  workarounds: z.array(ActiveWorkaroundSchema),
  summary: SummarySchema,
  checks: z.array(CheckResultSchema),
  coverage: CoverageSchema,
  baseline: BaselineOutcomeSchema.nullable(),
  /** 0: no failure beyond the baseline; 1: conformance failures; 2: usage, configuration or setup error. */
  exit_code: z.union([z.literal(0), z.literal(1), z.literal(2)]),
});
export type Report = z.infer<typeof ReportSchema>;

export function emptyCounts(): StatusCounts {
  return { passed: 0, failed: 0, warning: 0, info: 0, skipped: 0, 'not-applicable': 0, error: 0 };
}

export function summarize(checks: readonly CheckResult[]): Summary {
  const counts = emptyCounts();
  const byArea: Record<string, StatusCounts> = {};
  for (const check of checks) {
    counts[check.status] += 1;
    const area = (byArea[check.area] ??= emptyCounts());
    area[check.status] += 1;
  }
  return { total: checks.length, counts, by_area: byArea };
}
