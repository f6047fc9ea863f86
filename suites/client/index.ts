import type { Scenario } from '../../src/client-harness/api.ts';
import { scenarios as approval } from './approval.ts';
import { scenarios as approvalExtensions } from './approval-extensions.ts';
import { scenarios as capabilityCache } from './capability-cache.ts';
import { scenarios as capabilityListing } from './capability-listing.ts';
import { scenarios as capabilityNames } from './capability-names.ts';
import { scenarios as capabilityRequests } from './capability-requests.ts';
import { scenarios as discovery } from './discovery.ts';
import { scenarios as endpointResolution } from './endpoint-resolution.ts';
import { scenarios as discoveryCaching } from './discovery-caching.ts';
import { scenarios as discoveryTolerance } from './discovery-tolerance.ts';
import { scenarios as execution } from './execution.ts';
import { scenarios as executionDetails } from './execution-details.ts';
import { scenarios as jwt } from './jwt.ts';
import { scenarios as keyDelivery } from './key-delivery.ts';
import { scenarios as lifecycle } from './lifecycle.ts';
import { scenarios as providers } from './providers.ts';
import { scenarios as rateLimits } from './rate-limits.ts';
import { scenarios as redirects } from './redirects.ts';
import { scenarios as registration } from './registration.ts';
import { scenarios as registrationDetails } from './registration-details.ts';
import { scenarios as security } from './security.ts';
import { scenarios as signJwt } from './sign-jwt.ts';
import { scenarios as transport } from './transport.ts';
import { scenarios as tokenClaims } from './token-claims.ts';

/** The client-certifying suite: every scenario, in report order by area. */
export const clientScenarios: Scenario[] = [
  ...discovery,
  ...endpointResolution,
  ...discoveryCaching,
  ...discoveryTolerance,
  ...providers,
  ...jwt,
  ...tokenClaims,
  ...keyDelivery,
  ...signJwt,
  ...registration,
  ...registrationDetails,
  ...approval,
  ...approvalExtensions,
  ...execution,
  ...executionDetails,
  ...capabilityRequests,
  ...capabilityListing,
  ...capabilityCache,
  ...capabilityNames,
  ...lifecycle,
  ...security,
  ...transport,
  ...redirects,
  ...rateLimits,
];
