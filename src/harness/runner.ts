import {
  SERVER_AREAS,
  type CheckLevel,
  type CheckResult,
  type CheckStatus,
  type ExchangeRecording,
} from '../model/index.ts';
import type { TargetClock } from './target-clock.ts';
import type { CheckDefinition, CheckNeed } from './check.ts';
import { ProtocolClient, type TargetInfo } from './protocol-client/index.ts';
import { RunningCheck } from './check-context.ts';
import { ControlClient, type ControlInfo } from './control-client.ts';
import type { HttpDriver } from './http-driver.ts';
import { restoreChanged, revokeCreated } from './cleanup.ts';
import { ControlError, Fail, NotApplicable, PreconditionFailed, Skip, Tolerated } from './outcome.ts';
import { withPreconditionOwner } from './precondition-owner.ts';
import { attributeRateLimit, attributeTimeout } from './transport-attribution.ts';
import { isSelected } from './patterns.ts';
import type { RunPosition } from './progress.ts';
import { BodyBudget } from './retention.ts';
import { DEFAULT_THROTTLE_RETRIES, MAX_THROTTLE_WAIT_SECONDS, ThrottleGate, throttledWaitSeconds } from './throttle.ts';
import { capabilityForRole, missingRoleReason, type TargetProfile } from './target-profile.ts';

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_CHECK_TIMEOUT_MS = 30_000;
/** After a check's deadline, how long in-flight requests get to settle so their exchanges are kept. */
const SETTLE_MS = 200;

export interface RunEnvironment {
  http: HttpDriver;
  target: TargetInfo;
  profile: TargetProfile;
  control: ControlInfo | undefined;
  seed: number;
  /** The target's clock as far as the harness knows it (moved by control advance-clock). */
  clock: TargetClock;
}

export interface RunOptions {
  concurrency?: number;
  /** SHOULD failures become `failed` instead of `warning`. */
  strict?: boolean;
  /** Overall deadline per check (a check's own `timeoutMs` wins). */
  checkTimeoutMs?: number;
  /** Called as each check finishes (progress output), with how many have finished of how many. */
  onResult?: (result: CheckResult, position: RunPosition) => void;
  /**
   * Which checks keep their exchanges in the result (default `failures`: every check that did not
   * pass); the others keep only the count, which keeps reports small and memory bounded.
   */
  recordExchanges?: ExchangeRecording;
  /** Leave what checks registered in place (`--keep`); by default each check's hosts and agents are revoked when it ends. */
  keep?: boolean;
  /**
   * When the whole run must end (`--max-duration`, performance.now() time base): checks not started
   * by then end as errors without running, and running ones are cut at it.
   */
  runDeadline?: number;
  /**
   * How often a check the target throttled (429) runs again after the wait the target asks for
   * (throttle.ts; default DEFAULT_THROTTLE_RETRIES, 0 turns it off).
   */
  throttleRetries?: number;
}

/** A protocol client on a session of its own, so cleanup runs even after the check's session was aborted. */
function cleanupClient(env: RunEnvironment, checkId: string): ProtocolClient {
  const http = env.http.session(checkId);
  const control = env.control ? new ControlClient(http, env.control, env.clock) : undefined;
  return new ProtocolClient(http, env.target, control, env.clock, env.profile.workarounds);
}

/** Rejects check lists a run cannot report on faithfully: duplicate ids, unknown areas. */
export function validateChecks(checks: readonly CheckDefinition[]): void {
  const seen = new Set<string>();
  for (const check of checks) {
    if (seen.has(check.id)) throw new Error(`duplicate check id: ${check.id}`);
    seen.add(check.id);
    if (!(SERVER_AREAS as readonly string[]).includes(check.area))
      throw new Error(`check ${check.id} has unknown area "${check.area}"`);
  }
}

export function selectChecks(
  checks: readonly CheckDefinition[],
  only: readonly string[],
  skip: readonly string[],
): CheckDefinition[] {
  return checks.filter((check) => isSelected(check.id, only, skip));
}

/** How a failed check scores at its level. */
export function failureStatus(level: CheckLevel, strict: boolean): CheckStatus {
  if (level === 'MUST') return 'failed';
  if (level === 'SHOULD') return strict ? 'failed' : 'warning';
  return 'info';
}

/** The first need the target does not meet, as the status and reason the check gets instead of running. */
export function unmetNeed(
  needs: readonly CheckNeed[],
  env: Pick<RunEnvironment, 'target' | 'profile' | 'control'>,
): { status: 'skipped' | 'not-applicable'; reason: string } | undefined {
  const discovery = env.target.discovery as { modes?: unknown; approval_methods?: unknown };
  const listed = (value: unknown, item: string) => Array.isArray(value) && value.includes(item);
  for (const need of needs) {
    if ('mode' in need && !listed(discovery.modes, need.mode)) {
      return { status: 'not-applicable', reason: `server does not advertise the ${need.mode} mode` };
    }
    if ('approvalMethod' in need && !listed(discovery.approval_methods, need.approvalMethod)) {
      return {
        status: 'not-applicable',
        reason: `server does not advertise the ${need.approvalMethod} approval method`,
      };
    }
    if ('endpoint' in need && !env.target.endpoints[need.endpoint]) {
      return { status: 'not-applicable', reason: `discovery advertises no usable "${need.endpoint}" endpoint` };
    }
    if ('capability' in need && capabilityForRole(env.profile, need.capability) === undefined) {
      return {
        status: 'not-applicable',
        reason: missingRoleReason(need.capability),
      };
    }
  }
  for (const need of needs) {
    if ('control' in need && !env.control?.supports.includes(need.control)) {
      return {
        status: 'skipped',
        reason: env.control
          ? `the control hook does not offer "${need.control}" (add it to enable the check; spec/control-contract.md)`
          : `needs the operator control hook ("${need.control}"): give --control-url (spec/control-contract.md)`,
      };
    }
  }
  return undefined;
}

/**
 * Runs checks: non-exclusive ones with bounded concurrency, then exclusive ones alone. Results come
 * back in the order the checks were given.
 */
export async function runChecks(
  checks: readonly CheckDefinition[],
  env: RunEnvironment,
  options: RunOptions = {},
): Promise<CheckResult[]> {
  validateChecks(checks);
  const results = new Map<string, CheckResult>();
  const bodies = new BodyBudget();
  const gate = new ThrottleGate();
  const retries = options.throttleRetries ?? DEFAULT_THROTTLE_RETRIES;
  const runOne = async (check: CheckDefinition) => {
    const waits: number[] = [];
    let raw: CheckResult;
    for (;;) {
      await gate.passed();
      raw = await runCheck(check, env, options);
      const wait = throttledWaitSeconds(raw, check.rateLimitProbe === true);
      if (wait === undefined || waits.length >= retries || wait > MAX_THROTTLE_WAIT_SECONDS) break;
      if (options.runDeadline !== undefined && performance.now() + wait * 1000 >= options.runDeadline) break;
      waits.push(wait);
      gate.pause(wait);
    }
    if (waits.length > 0)
      raw = {
        ...raw,
        notes: [
          ...raw.notes,
          `throttled: the target answered 429, so the check ran again from its start after the wait it asked for (${waits.map((wait) => `${wait} s`).join(', ')})`,
        ],
      };
    const result = bodies.retain(
      withPreconditionOwner(attributeTimeout(attributeRateLimit(raw, check.rateLimitProbe === true))),
    );
    results.set(check.id, result);
    options.onResult?.(result, { done: results.size, total: checks.length });
  };
  await pool(
    checks.filter((check) => !check.exclusive),
    Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY),
    runOne,
  );
  for (const check of checks.filter((c) => c.exclusive)) await runOne(check);
  return checks.map((check) => results.get(check.id) as CheckResult);
}

async function pool<T>(items: readonly T[], limit: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await worker(item);
    }
  });
  await Promise.all(lanes);
}

type Settled = { kind: 'returned' } | { kind: 'threw'; error: unknown } | { kind: 'deadline' };

export async function runCheck(
  check: CheckDefinition,
  env: RunEnvironment,
  options: RunOptions = {},
): Promise<CheckResult> {
  const base = {
    id: check.id,
    title: check.title,
    area: check.area,
    requirements: [...check.requirements],
    rulings: [...(check.rulings ?? [])],
    level: check.level,
    ...(check.cell && { cell: { ...check.cell } }),
  };
  const left = options.runDeadline === undefined ? Number.POSITIVE_INFINITY : options.runDeadline - performance.now();
  if (left <= 0)
    return {
      ...base,
      status: 'error',
      message: 'not run: the run reached its --max-duration before this check started',
      notes: [],
      duration_ms: 0,
      exchange_count: 0,
      exchanges: [],
    };
  const unmet = unmetNeed(check.needs ?? [], env);
  if (unmet)
    return {
      ...base,
      status: unmet.status,
      message: unmet.reason,
      notes: [],
      duration_ms: 0,
      exchange_count: 0,
      exchanges: [],
    };

  const abort = new AbortController();
  const http = env.http.session(check.id, abort.signal);
  const control = env.control ? new ControlClient(http, env.control, env.clock) : undefined;
  const client = new ProtocolClient(http, env.target, control, env.clock, env.profile.workarounds);
  const context = new RunningCheck({
    checkId: check.id,
    discovery: env.target.discovery,
    client,
    control,
    profile: env.profile,
    seed: env.seed,
    exchanges: http.exchanges,
  });
  const ownTimeoutMs = check.timeoutMs ?? options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const cutByRun = left < ownTimeoutMs;
  const timeoutMs = cutByRun ? Math.max(1, Math.floor(left)) : ownTimeoutMs;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const running: Promise<Settled> = Promise.resolve()
    .then(() => check.run(context))
    .then(
      (): Settled => ({ kind: 'returned' }),
      (error: unknown): Settled => ({ kind: 'threw', error }),
    );
  const deadline = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'deadline' }), timeoutMs);
  });
  const settled = await Promise.race([running, deadline]);
  clearTimeout(timer);
  const duration_ms = Math.round(performance.now() - started);
  if (settled.kind === 'deadline') {
    abort.abort();
    await Promise.race([running, new Promise((resolve) => setTimeout(resolve, SETTLE_MS))]);
  }
  // Cleanup runs on a session of its own (the check's may be aborted) and is not part of the check's
  // exchanges: it says nothing about the requirements, only what was left behind (as notes).
  const cleanupNotes = [
    // What a check changed through the operator hook is always put back; --keep concerns registrations only.
    ...(await restoreChanged(control, cleanupClient(env, check.id))),
    ...(options.keep
      ? []
      : await revokeCreated(client.created, cleanupClient(env, check.id)).catch((error: unknown) => [
          `cleanup: stopped by ${error instanceof Error ? error.message : String(error)}`,
        ])),
  ];
  await context.jwks.close();
  const finished = {
    ...base,
    notes: [...context.notes, ...cleanupNotes],
    duration_ms,
    exchange_count: http.exchanges.length,
    exchanges: [...http.exchanges],
  };
  const strict = options.strict ?? false;
  switch (settled.kind) {
    case 'returned':
      return { ...finished, status: 'passed', exchanges: options.recordExchanges === 'all' ? finished.exchanges : [] };
    case 'deadline':
      return {
        ...finished,
        ...(cutByRun
          ? { status: 'error' as const, message: 'timed out: the run reached its --max-duration while this check ran' }
          : {
              status: failureStatus(check.level, strict),
              message: `timed out: the check did not finish within its ${timeoutMs} ms deadline (the server is too slow or never answers)`,
            }),
      };
    case 'threw':
      return { ...finished, ...scoreThrown(settled.error, check.level, strict) };
  }
}

type Scored = Pick<CheckResult, 'status' | 'message' | 'stack' | 'failure'>;

function scoreThrown(error: unknown, level: CheckLevel, strict: boolean): Scored {
  if (error instanceof Fail) {
    const scored: Scored = { status: failureStatus(level, strict), message: error.message };
    if (error.detail !== undefined) scored.failure = error.detail;
    return scored;
  }
  if (error instanceof PreconditionFailed) {
    const scored: Scored = { status: 'error', message: error.message };
    if (error.detail !== undefined) scored.failure = error.detail;
    return scored;
  }
  if (error instanceof Tolerated) {
    const scored: Scored = { status: strict ? 'failed' : 'warning', message: error.message };
    if (error.detail !== undefined) scored.failure = error.detail;
    return scored;
  }
  if (error instanceof Skip) return { status: 'skipped', message: error.message };
  if (error instanceof NotApplicable) return { status: 'not-applicable', message: error.message };
  const scored: Scored = {
    status: 'error',
    message:
      error instanceof ControlError
        ? error.message
        : `harness error: ${error instanceof Error ? error.message : String(error)}`,
  };
  if (error instanceof Error && error.stack && !(error instanceof ControlError)) scored.stack = error.stack;
  return scored;
}
