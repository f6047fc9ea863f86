import { parseProfile, type TargetProfile } from '../harness/target-profile.ts';
import { SIMULATOR_PROFILE, startSimulator as startSimulatorServer, type SimulatorOptions } from '../sim/index.ts';

/** A simulated Agent Auth server running on 127.0.0.1, as the public API hands it out. */
export interface Simulator {
  /** The issuer: the service URL to test, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** scheme://host:port the simulator listens on. */
  origin: string;
  /** Base URL of its operator control hook (agent-auth-control/1), for `controlUrl`. */
  controlUrl: string;
  /** The target profile under which a run against `url` equals the embedded run. */
  profile: TargetProfile;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Starts the simulator (an ephemeral port unless `port` is given). The `server --embedded` run and
 * the library's `runServerSuite({ embedded: true })` start it through here too.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const running = await startSimulatorServer(options);
  return {
    url: running.issuer,
    origin: running.origin,
    controlUrl: running.controlUrl,
    profile: parseProfile(SIMULATOR_PROFILE, 'the simulator profile'),
    close: () => running.stop(),
  };
}
