import type { CheckDefinition } from '../../../src/harness/api.ts';
import { agentKeyChecks } from './agent-key.ts';
import { hostKeyChecks } from './host-key.ts';
import { jwksChecks } from './jwks.ts';
import { jwksCacheHeaderChecks } from './jwks-cache-headers.ts';
import { jwksDocumentChecks } from './jwks-documents.ts';
import { jwksFetchingChecks } from './jwks-fetching.ts';
import { jwksLoopbackChecks } from './jwks-loopback.ts';
import { jwksTimeoutChecks } from './jwks-timeout.ts';
import { keyDeliveryChecks } from './key-delivery.ts';

/** Agent and host key rotation, key delivery mode, JWKS-keyed identities and JWKS fetch protection (§5.8, §5.9, §8.7, §8.12). */
export const checks: CheckDefinition[] = [
  ...agentKeyChecks,
  ...hostKeyChecks,
  ...keyDeliveryChecks,
  ...jwksLoopbackChecks,
  ...jwksChecks,
  ...jwksDocumentChecks,
  ...jwksFetchingChecks,
  ...jwksTimeoutChecks,
  ...jwksCacheHeaderChecks,
];
