import { buildSimContext } from './build-context.ts';
import { createSimClock, type SimClock } from './clock.ts';
import { listenOnLoopback } from './listen.ts';
import { resolveOptions, type SimulatorOptions } from './options.ts';
import { Recorder } from './recorder.ts';
import { createApp } from './server.ts';
import { CONTROL_PATH } from './sim-context.ts';

export type { SimClock } from './clock.ts';
export type { ApprovalPolicy, RateLimitOptions, ScriptedSseEvent, SimulatorOptions, StreamScript } from './options.ts';
export { TOLERABLE_STEPS, type ToleratedStep } from './tolerance.ts';
export type { RecordedExchange, Recorder } from './recorder.ts';
export { FAULTS, FAULT_NAMES, isFaultName, type FaultDefinition, type FaultName } from './faults.ts';
export { SIMULATOR_PROFILE } from './sim-profile.ts';
export { CONTROL_CONTRACT } from './control-routes.ts';

export interface RunningSimulator {
  /** The issuer URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  issuer: string;
  /** scheme://host:port of the simulator. */
  origin: string;
  /** Base URL of the operator control API. */
  controlUrl: string;
  port: number;
  clock: SimClock;
  recorder: Recorder;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
}

/** Starts a simulated Agent Auth server on 127.0.0.1 (an ephemeral port unless `port` is given). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const resolved = resolveOptions(options);
  const clock = options.clock ?? createSimClock();
  const recorder = new Recorder();
  let app: ReturnType<typeof createApp> | undefined;
  const listener = await listenOnLoopback(() => app!.fetch, resolved.port);
  const ctx = buildSimContext(listener.origin, resolved, clock, recorder);
  app = createApp(ctx);

  return {
    issuer: ctx.issuer,
    origin: listener.origin,
    controlUrl: `${listener.origin}${CONTROL_PATH}`,
    port: listener.port,
    clock,
    recorder,
    stop: () => listener.close(),
  };
}
