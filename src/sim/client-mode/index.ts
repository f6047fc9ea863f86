import { buildSimContext } from '../build-context.ts';
import { createSimClock } from '../clock.ts';
import { controlOperations } from '../control-routes.ts';
import { listen as listenWith, type FetchHandler, type Listener, type ListenOptions } from '../listen.ts';
import { createLocationApp } from '../location-app.ts';
import { resolveOptions } from '../options.ts';
import { createApp } from '../server.ts';
import { withIssuerPath } from './context.ts';
import { discoveryOnly } from './discovery.ts';
import { LOCATION_EXECUTE_PATH, type ListenerName } from './endpoints.ts';
import { extraListenerOptions, ListenerUnavailable } from './extra-listeners.ts';
import { answerForeign } from './foreign.ts';
import {
  CAPABILITY_ROLES,
  LOCATED_CAPABILITY,
  OPAQUE_CAPABILITY,
  simulatorOptionsFor,
  type CapabilityRoles,
  type ClientScenarioKnobs,
  type ExtraListenerName,
} from './knobs.ts';
import { ObservationLog, type ObservationMatch, type ObservedRequest } from './observations.ts';
import type { ClientModeAction } from './operator.ts';
import { ClientModePipeline, type AgentSummary } from './pipeline.ts';
import { ToleranceNotes } from './tolerance-notes.ts';
import type { Trigger } from './triggers.ts';

export type { ClientScenarioKnobs, CapabilityRoles, ExtraListenerName, FixedAnswer } from './knobs.ts';
export { CAPABILITY_ROLES } from './knobs.ts';
export { ListenerUnavailable } from './extra-listeners.ts';
export type { ListenerName, SimEndpoint } from './endpoints.ts';
export type { ObservationMatch, ObservedRequest } from './observations.ts';
export { MAX_OBSERVED_REQUESTS, MAX_RECORDED_BODY_BYTES } from './observations.ts';
export type { ClientModeAction, OperatorNote } from './operator.ts';
export type { AgentSummary } from './pipeline.ts';
export type { Trigger } from './triggers.ts';
export { APPROVAL_EXPIRED_REASON } from './approval-expiry.ts';

/**
 * The simulated server in client-observe mode: the suite plays the server with it, drives a client
 * under test, and judges what the client sent from the raw records kept here.
 */
export interface ClientModeSimulator {
  /** http://127.0.0.1:<port>, followed by the issuer's path when the scenario gives it one. */
  issuer: string;
  /** Where the client is pointed: the issuer (discovery at /.well-known/agent-configuration). */
  serviceUrl: string;
  /** Where capabilities without a location of their own execute (`default_location`, §5.1). */
  defaultLocation: string;
  /** A second listener on another port that answers 404 to everything and records it. */
  foreignOrigin: string;
  /** The located capability's execute URL (its own listener), when `locatedCapability` is on. */
  locationUrl?: string;
  /** Origins of the extra listeners the scenario asked for (`extraListeners`), each serving only discovery. */
  extraOrigins: Partial<Record<ExtraListenerName, string>>;
  /** Which of the simulator's capabilities plays each role. */
  capabilities: CapabilityRoles;
  /** Every request answered so far, on every listener, in arrival order. */
  requests(): readonly ObservedRequest[];
  /** Requests not kept because the record was full (MAX_OBSERVED_REQUESTS). */
  droppedRequests(): number;
  /** Resolves with the first (or `nth`) answered request matching, or undefined at the deadline. */
  waitFor(match: ObservationMatch, timeoutMs: number): Promise<ObservedRequest | undefined>;
  /**
   * An operator action now, with the semantics of triggers, on `agentId` or else the most recently
   * registered agent. Rejects when the action cannot be performed (e.g. 409 nothing_pending).
   */
  act(action: ClientModeAction, agentId?: string): Promise<void>;
  /** The latest approval object answered per agent (user_code, verification_uri, interval, …). */
  approvals(): ReadonlyMap<string, Record<string, unknown>>;
  /** The agents the simulator knows. */
  agents(): readonly AgentSummary[];
  /** Now, on the time base of `ObservedRequest.at` (ms since the scenario started), to relate harness steps to requests. */
  now(): number;
  /** Stops every listener and drops open connections. */
  close(): Promise<void>;
}

export interface ClientModeOptions {
  knobs?: ClientScenarioKnobs;
  triggers?: Trigger[];
  /** Serve requests whose tokens deviate in attributable ways and record the deviation (default true). */
  tolerate?: boolean;
}

/**
 * Starts a fresh client-observe simulator: on 127.0.0.1 ephemeral ports, on the wall clock (clients
 * sign with real time), with a fresh store.
 */
export async function startClientModeSimulator(opts: ClientModeOptions = {}): Promise<ClientModeSimulator> {
  const knobs = opts.knobs ?? {};
  const triggers = opts.triggers ?? [];
  for (const trigger of triggers) checkTrigger(trigger);
  const startedAt = performance.now();
  const log = new ObservationLog();
  const notes = new ToleranceNotes();
  const handlers = new Map<ListenerName, FetchHandler>();
  const listeners: Listener[] = [];
  const listen = async (name: ListenerName, options: ListenOptions = {}) => {
    const listener = await listenWith(() => handlers.get(name) ?? notReady, options);
    listeners.push(listener);
    return listener;
  };
  const closeAll = async () => {
    await Promise.all(listeners.map((listener) => listener.close()));
  };

  try {
    const sim = await listen('sim');
    const foreign = await listen('foreign');
    const locationUrl =
      knobs.locatedCapability === true ? `${(await listen('location')).origin}${LOCATION_EXECUTE_PATH}` : undefined;
    const extraOrigins: ClientModeSimulator['extraOrigins'] = {};
    for (const name of new Set(knobs.extraListeners ?? [])) {
      const options = await extraListenerOptions(name);
      const listener = await listen(name, options).catch((error: unknown) => {
        const why = error instanceof Error ? error.message : String(error);
        throw new ListenerUnavailable(
          `the ${name} listener could not listen on ${options.hostname ?? '127.0.0.1'}: ${why}`,
        );
      });
      extraOrigins[name] = listener.origin;
    }
    const options = simulatorOptionsFor(
      knobs,
      { foreign: foreign.origin, location: locationUrl },
      {
        tolerate: opts.tolerate ?? true,
        onTolerated: notes.note,
      },
    );
    const ctx = withIssuerPath(
      buildSimContext(sim.origin, resolveOptions(options), createSimClock(), undefined),
      knobs.issuerPath,
    );
    const pipeline = new ClientModePipeline({
      ctx,
      operations: controlOperations(ctx),
      knobs,
      triggers,
      log,
      notes,
      startedAt,
      origins: { sim: sim.origin, foreign: foreign.origin },
    });
    handlers.set('sim', pipeline.handler('sim', createApp(ctx).fetch));
    handlers.set('foreign', pipeline.handler('foreign', answerForeign));
    if (locationUrl !== undefined)
      handlers.set('location', pipeline.handler('location', createLocationApp(ctx, locationUrl).fetch));
    for (const name of Object.keys(extraOrigins) as ExtraListenerName[]) {
      handlers.set(name, pipeline.handler(name, discoveryOnly(ctx, knobs.discovery ?? {})));
    }

    return {
      issuer: ctx.issuer,
      serviceUrl: ctx.issuer,
      defaultLocation: ctx.defaultLocation,
      foreignOrigin: foreign.origin,
      ...(locationUrl !== undefined && { locationUrl }),
      extraOrigins,
      capabilities: {
        ...CAPABILITY_ROLES,
        ...(locationUrl !== undefined && { located: LOCATED_CAPABILITY }),
        ...(knobs.opaqueCapabilityName === true && { opaque: OPAQUE_CAPABILITY.offered }),
      },
      requests: () => log.entries(),
      droppedRequests: () => log.dropped(),
      waitFor: (match, timeoutMs) => log.waitFor(match, timeoutMs),
      async act(action, agentId) {
        const note = pipeline.act(action, agentId);
        if (note.outcome !== 'done') throw new Error(`${action.op} failed: ${note.outcome}`);
      },
      approvals: () => pipeline.approvals(),
      agents: () => pipeline.agents(),
      now: () => performance.now() - startedAt,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Answers the odd request that arrives before the listener's app is installed. */
const notReady: FetchHandler = () =>
  Response.json({ error: 'internal_error', message: 'The simulator is still starting' }, { status: 503 });

function checkTrigger(trigger: Trigger): void {
  if (trigger.on.nth !== undefined && (!Number.isInteger(trigger.on.nth) || trigger.on.nth < 1)) {
    throw new RangeError(`a trigger's nth is 1-based, not ${trigger.on.nth}`);
  }
}
