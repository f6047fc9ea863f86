import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult, CheckStatus, ExchangeRecording, FailureDetail, TranscriptSnapshot } from '../model/index.ts';
import { ListenerUnavailable, startClientModeSimulator, type ClientModeSimulator } from '../sim/client-mode/index.ts';
import { judge, type AssertionFailure, type CallEvidence, type Evidence } from './assertions.ts';
import {
  DEFAULT_START_TIMEOUT_MS,
  DriverStartError,
  type ClientDriver,
  type ClientSession,
  type DriverKind,
} from './drivers/driver.ts';
import type { ToolCallRecord } from '../model/index.ts';
import { authOf, toExchange } from './observed.ts';
import type { Scenario, Step } from './scenario.ts';
import { resolveTemplates, UnresolvedPlaceholder, type Lookup } from './templates.ts';
import { readPath } from './paths.ts';

export const DEFAULT_SCENARIO_TIMEOUT_MS = 30_000;
export const DEFAULT_CALL_TIMEOUT_MS = 20_000;

export interface ScenarioEnvironment {
  driver: ClientDriver;
  /** SHOULD failures become `failed` instead of `warning`. */
  strict: boolean;
  /** Deadline of one tool call (a scenario step may ask for more). */
  callTimeoutMs: number;
  /** Overall deadline of a scenario (its own `timeoutMs` wins). */
  scenarioTimeoutMs: number;
  recordExchanges: ExchangeRecording;
  /** Told the tool names a started client exposes, so the report can name them. */
  onToolsListed?: (names: readonly string[]) => void;
}

/** A broken precondition: the scenario ends in `error` naming it, never in a verdict on the client. */
class PreconditionError extends Error {
  override name = 'PreconditionError';
}

function failureStatus(level: Scenario['level'], strict: boolean): CheckStatus {
  if (level === 'MUST') return 'failed';
  if (level === 'SHOULD') return strict ? 'failed' : 'warning';
  return 'info';
}

/** Log messages, progress and other notifications the client sent while call `seq` ran. */
function surfacedDuring(snapshot: TranscriptSnapshot, call: number): string {
  const start =
    snapshot.entries.find((entry) => entry.kind === 'call' && entry.call === call)?.seq ?? Number.POSITIVE_INFINITY;
  const end =
    snapshot.entries.find((entry) => entry.kind === 'result' && entry.call === call)?.seq ?? Number.POSITIVE_INFINITY;
  return snapshot.entries
    .filter((entry) => entry.seq > start && entry.seq < end && entry.kind === 'notification')
    .map((entry) => JSON.stringify('params' in entry ? entry.params : ''))
    .join('\n');
}

function evidenceOf(record: ToolCallRecord, snapshot: TranscriptSnapshot): CallEvidence {
  const ok = record.error === undefined && record.result !== undefined && !record.result.is_error;
  const text = record.result?.text ?? record.error?.message ?? '';
  return { ok, value: record.result?.json ?? text, text, surfaced: surfacedDuring(snapshot, record.seq) };
}

/** Runs one scenario against a fresh simulator and a fresh client instance; always resolves to a result. */
export async function runScenario(scenario: Scenario, env: ScenarioEnvironment): Promise<CheckResult> {
  const base = {
    id: scenario.id,
    title: scenario.title,
    area: scenario.area,
    requirements: [...scenario.requirements],
    rulings: [...(scenario.rulings ?? [])],
    level: scenario.level,
  };
  const started = performance.now();
  const startedAt = Date.now();
  let sim: ClientModeSimulator | undefined;
  let session: ClientSession | undefined;
  let tmp: string | undefined;
  const calls = new Map<string, CallEvidence>();
  const records: ToolCallRecord[] = [];
  const stepStarts = new Map<string, number>();
  let outcome: { status: CheckStatus; message?: string; failure?: FailureDetail; notes: string[] };
  let transcript: TranscriptSnapshot | undefined;
  const notes: string[] = [];
  try {
    sim = await startClientModeSimulator({ knobs: scenario.knobs, triggers: scenario.triggers });
    tmp = await mkdtemp(join(tmpdir(), 'aac-client-'));
    const lookup = lookupFor(sim, calls);
    const deadline = scenario.timeoutMs ?? env.scenarioTimeoutMs;
    outcome = await withDeadline(deadline, async (signal) => {
      try {
        // The start-up deadline stays inside the scenario's, so a client that never gets ready is
        // stopped by its driver (no process outlives the scenario) and reported as not started.
        session = await env.driver.start({
          issuer: sim!.serviceUrl,
          tmpDir: tmp!,
          scenarioId: scenario.id,
          startTimeoutMs: Math.min(DEFAULT_START_TIMEOUT_MS, Math.max(500, deadline - 250)),
        });
      } catch (error) {
        if (error instanceof DriverStartError)
          throw new PreconditionError(`the client could not be started (${error.kind}): ${error.message}`);
        throw error;
      }
      const exposed = new Set((await session.tools()).map((tool) => tool.name));
      env.onToolsListed?.([...exposed]);
      const missing = scenario.tools.filter((tool) => !exposed.has(tool));
      if (missing.length > 0) {
        return { status: 'not-applicable', message: `the client exposes no ${missing.join(', ')} tool`, notes };
      }
      if (scenario.interimOutput === true && !INTERIM_OUTPUT_DRIVERS.has(env.driver.kind)) {
        return {
          status: 'not-applicable',
          message: `the ${env.driver.kind} driver's transport carries no output while a call runs, which this scenario judges`,
          notes,
        };
      }
      // A client that hangs, crashes or breaks its transport stops the steps; what it did up to then is
      // still judged, so the report names the requirement it broke and not only the symptom.
      let misbehaviour: ClientMisbehaviour | undefined;
      for (const step of scenario.steps) {
        if (signal.aborted) break;
        try {
          await runStep(step, { sim: sim!, session, env, lookup, calls, records, stepStarts, signal, started });
        } catch (error) {
          if (!(error instanceof ClientMisbehaviour)) throw error;
          misbehaviour = error;
          break;
        }
      }
      const evidence: Evidence = { requests: sim!.requests(), calls, stepStarts, lookup };
      if (misbehaviour === undefined) {
        const unmet = scenario.expect
          .filter((assertion) => assertion.precondition === true)
          .map((assertion) => judge(assertion, evidence))
          .find((failure) => failure !== undefined);
        if (unmet !== undefined)
          throw new PreconditionError(`precondition: ${unmet.message} (nothing else of the scenario can be judged)`);
      }
      const failures = scenario.expect
        .map((assertion) => judge(assertion, evidence))
        .filter((f): f is AssertionFailure => f !== undefined);
      if (misbehaviour !== undefined) {
        failures.push({
          message: misbehaviour.message,
          detail: { expected: 'an answer to the tool call', observed: misbehaviour.message },
        });
      }
      if (failures.length === 0) return { status: 'passed', notes };
      const [first] = failures as [AssertionFailure, ...AssertionFailure[]];
      return {
        status: failureStatus(scenario.level, env.strict),
        message: failures.map((failure) => failure.message).join('\n'),
        failure: first.detail,
        notes,
      };
    });
  } catch (error) {
    // A deadline that fires before the client is even started judges nothing about the scenario's
    // requirements: the client's start-up is the broken precondition.
    outcome =
      error instanceof ScenarioDeadline && session === undefined
        ? {
            status: 'error',
            message: `precondition: the client was not ready before the scenario's deadline (${error.message})`,
            notes,
          }
        : scoreThrown(error, failureStatus(scenario.level, env.strict), notes);
  } finally {
    transcript = (session as ClientSession | undefined)?.transcript.snapshot();
    await (session as ClientSession | undefined)?.close().catch(() => undefined);
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  }
  const requests = sim?.requests() ?? [];
  await sim?.close().catch(() => undefined);
  const keep = outcome.status !== 'passed' || env.recordExchanges === 'all';
  const result: CheckResult = {
    ...base,
    status: outcome.status,
    notes: outcome.notes,
    duration_ms: Math.round(performance.now() - started),
    exchange_count: requests.length,
    exchanges: keep ? requests.map((request) => toExchange(request, scenario.id, startedAt)) : [],
  };
  if (outcome.message !== undefined) result.message = outcome.message;
  if (outcome.failure !== undefined) result.failure = outcome.failure;
  if (keep && transcript !== undefined) result.transcript = transcript;
  return result;
}

interface StepContext {
  sim: ClientModeSimulator;
  session: ClientSession;
  env: ScenarioEnvironment;
  lookup: Lookup;
  calls: Map<string, CallEvidence>;
  records: ToolCallRecord[];
  stepStarts: Map<string, number>;
  signal: AbortSignal;
  started: number;
}

async function runStep(step: Step, ctx: StepContext): Promise<void> {
  if ('wait' in step) {
    await sleep(step.wait, ctx.signal);
    return;
  }
  if ('waitFor' in step) {
    await ctx.sim.waitFor(step.waitFor, step.timeoutMs);
    return;
  }
  if ('act' in step) {
    await ctx.sim.act(step.act);
    return;
  }
  const label = step.as ?? step.call;
  const args = resolveTemplates(step.args ?? {}, ctx.lookup) as Record<string, unknown>;
  // On the simulator's time base, so `after: label` compares like with like.
  ctx.stepStarts.set(label, ctx.sim.now());
  const record = await ctx.session.call(step.call, args, {
    timeoutMs: step.timeoutMs ?? ctx.env.callTimeoutMs,
    signal: ctx.signal,
  });
  ctx.records.push(record);
  const evidence = evidenceOf(record, ctx.session.transcript.snapshot());
  ctx.calls.set(label, evidence);
  // A client that hangs, crashes or breaks its transport fails the scenario; one that answers a
  // required step with a tool error breaks the scenario's precondition.
  if (record.error !== undefined && CLIENT_MISBEHAVIOUR.has(record.error.kind)) {
    throw new ClientMisbehaviour(`${step.call} (step "${label}"): ${record.error.kind}: ${record.error.message}`);
  }
  if (step.require === 'ok' && !evidence.ok) {
    const why = record.error ? `${record.error.kind}: ${record.error.message}` : evidence.text.slice(0, 300);
    throw new PreconditionError(`${step.call} (step "${label}") did not succeed, so the scenario cannot go on: ${why}`);
  }
}

/** `${…}` roots a scenario may use. */
function lookupFor(sim: ClientModeSimulator, calls: ReadonlyMap<string, CallEvidence>): Lookup {
  return (root, rest) => {
    switch (root) {
      case 'provider':
        return sim.serviceUrl;
      case 'sim':
        return readPath(
          { issuer: sim.issuer, service_url: sim.serviceUrl, default_location: sim.defaultLocation },
          rest,
        );
      case 'foreign':
        return readPath({ origin: sim.foreignOrigin }, rest);
      case 'listeners':
        return readPath(
          { plain_http: sim.extraOrigins['plain-http'], untrusted_tls: sim.extraOrigins['untrusted-tls'] },
          rest,
        );
      case 'cap':
        return readPath(sim.capabilities, rest);
      case 'agent':
        return sim.agents().at(-1)?.id;
      case 'host': {
        // The host as the client presents it: claims of its first host JWT.
        const first = sim.requests().find((request) => authOf(request) === 'host');
        return readPath(first?.jwt?.claims, rest);
      }
      case 'approval': {
        const latest = [...sim.approvals().values()].at(-1);
        if (rest === 'interval_ms')
          return typeof latest?.['interval'] === 'number' ? latest['interval'] * 1000 : undefined;
        return readPath(latest, rest);
      }
      default: {
        const call = calls.get(root);
        return call === undefined ? undefined : readPath(call.value, rest);
      }
    }
  };
}

function scoreThrown(
  error: unknown,
  failed: CheckStatus,
  notes: string[],
): { status: CheckStatus; message: string; notes: string[] } {
  if (error instanceof PreconditionError) return { status: 'error', message: error.message, notes };
  // This machine cannot serve what the scenario needs: nothing about the client is known.
  if (error instanceof ListenerUnavailable)
    return {
      status: 'skipped',
      message: `${error.message}; run the suite on a machine with a non-loopback network interface to enable this scenario`,
      notes,
    };
  if (error instanceof UnresolvedPlaceholder)
    return { status: 'error', message: `precondition: ${error.message}`, notes };
  if (error instanceof ScenarioDeadline || error instanceof ClientMisbehaviour)
    return { status: failed, message: error.message, notes };
  return {
    status: 'error',
    message: `harness error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    notes,
  };
}

class ScenarioDeadline extends Error {
  override name = 'ScenarioDeadline';
}

/** The client failed at the transport level (hung, crashed, garbage on its channel): a verdict, not a precondition. */
class ClientMisbehaviour extends Error {
  override name = 'ClientMisbehaviour';
}

const CLIENT_MISBEHAVIOUR = new Set(['timeout', 'crashed', 'protocol', 'rpc-error']);

/** Drivers whose transport carries what a client surfaces while a call runs (MCP progress and log notifications). */
const INTERIM_OUTPUT_DRIVERS: ReadonlySet<DriverKind> = new Set(['mcp']);

/** Runs `work` with an overall deadline: at the deadline its signal aborts and the result is an error. */
async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(
        new ScenarioDeadline(
          `the scenario did not finish within its ${ms} ms deadline (the client is too slow or never answers)`,
        ),
      );
    }, ms);
  });
  try {
    return await Promise.race([work(abort.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
