import type { DiscoveryDocument } from '../../protocol/index.ts';
import type { ControlClient } from '../control-client.ts';
import { defaultLocation, type EndpointResolution } from '../endpoints.ts';
import type { HttpSession } from '../http-driver.ts';
import { NotApplicable } from '../outcome.ts';
import type { TargetClock } from '../target-clock.ts';
import type { Workarounds } from '../workarounds.ts';

/** What the harness knows about the target after the setup phase. */
export interface TargetInfo {
  issuer: string;
  discoveryUrl: string;
  discovery: DiscoveryDocument;
  /** Discovery endpoints that resolved to URLs, by key. */
  endpoints: Record<string, EndpointResolution>;
  /** Capability `location` values learned from describe during setup. */
  capabilityLocations: Record<string, string>;
}

/**
 * The ground the protocol client stands on: the check's recording HTTP session, the target as setup
 * found it, the operator hook, and the target's clock. Answers where each request goes.
 */
export class ClientBase {
  constructor(
    readonly http: HttpSession,
    readonly target: TargetInfo,
    readonly control: ControlClient | undefined,
    private readonly clock: TargetClock,
    /** Declared workarounds of the target profile (none: the client follows the spec). */
    protected readonly workarounds: Workarounds = {},
  ) {}

  /** The target's current time in epoch seconds (follows control advance-clock). */
  now(): number {
    return this.clock.nowSeconds();
  }

  get issuer(): string {
    return this.target.issuer;
  }

  /** The URL of a discovery endpoint; NotApplicable when discovery does not advertise it. */
  endpointUrl(key: string): string {
    const resolution = this.target.endpoints[key];
    if (!resolution) throw new NotApplicable(`discovery advertises no usable "${key}" endpoint`);
    return resolution.url;
  }

  /** Where `capability` executes: its `location`, else `default_location`, else `{issuer}{endpoints.execute}`. */
  locationFor(capability: string): string {
    const location = this.target.capabilityLocations[capability] ?? defaultLocation(this.target.discovery);
    if (location === undefined) throw new NotApplicable('discovery gives no default_location and no execute endpoint');
    return location;
  }
}
