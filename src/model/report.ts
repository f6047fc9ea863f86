import { z } from 'zod';
import { CheckResultSchema, EXCHANGE_RECORDING, SummarySchema } from './check-result.ts';
import { ExchangeSchema } from './exchange.ts';

export const TOOL_NAME = 'agent-auth-conformance';
export const SPEC_VERSION = '1.0-draft';

/** Which side of the protocol a run certifies. */
export const ROLES = ['server', 'client'] as const;
export type Role = (typeof ROLES)[number];

export const COVERAGE_STATUSES = ['passed', 'failed', 'warned', 'skipped', 'untested'] as const;
export type CoverageStatus = (typeof COVERAGE_STATUSES)[number];
const CoverageCountsSchema = z.record(z.enum(COVERAGE_STATUSES), z.number().int().nonnegative());

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
  counts: CoverageCountsSchema,
  /**
   * The same counts over the requirements this run's role can observe: for a server run, those of role
   * server or resource-server that a harness playing a client sees; for a client run, those of role
   * client that a harness playing the server (and driving the client's tools) sees.
   */
  observable_counts: CoverageCountsSchema,
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

/** A declared workaround as the report lists it. */
export const ActiveWorkaroundSchema = z.object({
  /** The profile member, e.g. `agentJwtIssuer`. */
  name: z.string(),
  /** Its declared value, e.g. `host-id`. */
  value: z.string(),
  /** What the harness does differently while it is active. */
  effect: z.string(),
  /** The deviation it works around, and why the rest of the suite needs it. */
  reason: z.string(),
  /** Requirements the deviation breaks. */
  requirements: z.array(z.string()),
  /** Checks that still test the deviation itself (they ignore the workaround). */
  still_tested_by: z.array(z.string()),
});
export type ActiveWorkaround = z.infer<typeof ActiveWorkaroundSchema>;

/** How one discovery endpoint resolved: a relative path joined to the issuer (§5), or an absolute URL. */
export const EndpointResolutionSchema = z.object({
  /** The value as discovery states it. */
  value: z.string(),
  form: z.enum(['relative', 'absolute']),
  url: z.string(),
});
export type EndpointResolution = z.infer<typeof EndpointResolutionSchema>;

export const SetupSchema = z.object({
  ok: z.boolean(),
  /** Why the run could not start (usage, configuration, unreachable target). */
  error: z.string().optional(),
  notes: z.array(z.string()),
  /** Operator control hook of a server under test (null when none; always null for a client run). */
  control: z.object({ url: z.string(), supports: z.array(z.string()), unknown: z.array(z.string()) }).nullable(),
  /** The profile the checks used (given and inferred parts merged), as JSON. */
  profile: z.record(z.string(), z.unknown()).nullable(),
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
  /** Which checks keep their exchanges in the report. */
  record_exchanges: z.enum(EXCHANGE_RECORDING),
  /** Server runs: what checks registered was left in place (`--keep`) instead of revoked. */
  keep: z.boolean().optional(),
  /** Server runs: how often a check the target throttled (429) ran again after the wait it asked for. */
  throttle_retries: z.number().int().nonnegative().optional(),
  /** Server runs: least share (percent) of applicable checks that had to run (`--min-coverage`). */
  min_coverage: z.number().min(0).max(100).optional(),
});
export type ReportOptions = z.infer<typeof ReportOptionsSchema>;

export const ServerTargetSchema = z.object({
  url: z.string().nullable(),
  discovery_url: z.string().nullable(),
  issuer: z.string().nullable(),
  control_url: z.string().nullable(),
  embedded: z.boolean(),
  /** How each discovery endpoint resolved (relative path joined to the issuer, or absolute URL). */
  endpoints: z.record(z.string(), EndpointResolutionSchema),
});
export type ServerTarget = z.infer<typeof ServerTargetSchema>;

export const ClientTargetSchema = z.object({
  /** How the client was driven. */
  driver: z.enum(['mcp', 'command', 'module']),
  /** What was driven: the command line, MCP endpoint URL, tools config file or adapter module. */
  description: z.string(),
  /** The tools the client exposed (spec names, after any declared mapping). */
  tools: z.array(z.string()),
});
export type ClientTarget = z.infer<typeof ClientTargetSchema>;

const reportFields = {
  tool: z.object({ name: z.literal(TOOL_NAME), version: z.string() }),
  spec_version: z.literal(SPEC_VERSION),
  seed: z.number().int(),
  started_at: z.string(),
  finished_at: z.string(),
  duration_ms: z.number().nonnegative(),
  options: ReportOptionsSchema,
  setup: SetupSchema,
  /**
   * Workarounds the profile declared: known deviations the harness stepped around so the rest of the
   * suite could observe the target. Results of this run hold only with them; empty when none.
   */
  workarounds: z.array(ActiveWorkaroundSchema),
  summary: SummarySchema,
  checks: z.array(CheckResultSchema),
  coverage: CoverageSchema,
  baseline: BaselineOutcomeSchema.nullable(),
  /**
   * 0: no failure beyond the baseline; 1: conformance failures; 2: usage, configuration or setup
   * error; 3: internal error of the harness (a bug of this tool, whatever the target sent).
   */
  exit_code: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
};

export const ServerReportSchema = z.object({ kind: z.literal('server'), target: ServerTargetSchema, ...reportFields });
export type ServerReport = z.infer<typeof ServerReportSchema>;

export const ClientReportSchema = z.object({ kind: z.literal('client'), target: ClientTargetSchema, ...reportFields });
export type ClientReport = z.infer<typeof ClientReportSchema>;

/** A run's report, for either role. */
export const ReportSchema = z.discriminatedUnion('kind', [ServerReportSchema, ClientReportSchema]);
export type Report = z.infer<typeof ReportSchema>;

/** A short name for the target of a report, for titles. */
export function targetName(report: Report): string {
  if (report.kind === 'client') return report.target.description;
  return report.target.issuer ?? report.target.url ?? report.target.discovery_url ?? 'unknown target';
}
