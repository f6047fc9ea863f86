import type { CheckDefinition } from '../../../src/harness/api.ts';
import { checks as agentKey } from './agent-key.ts';
import { checks as hostKey } from './host-key.ts';
import { checks as jwks } from './jwks.ts';
import { checks as jwksCacheHeaders } from './jwks-cache-headers.ts';
import { checks as jwksDocuments } from './jwks-documents.ts';
import { checks as jwksFetching } from './jwks-fetching.ts';
import { checks as jwksLoopback } from './jwks-loopback.ts';
import { checks as jwksTimeout } from './jwks-timeout.ts';
import { checks as keyDelivery } from './key-delivery.ts';

/** Agent and host key rotation, key delivery mode, JWKS-keyed identities and JWKS fetch protection (§5.8, §5.9, §8.7, §8.12). */
export const checks: CheckDefinition[] = [
  ...agentKey,
  ...hostKey,
  ...keyDelivery,
  ...jwksLoopback,
  ...jwks,
  ...jwksDocuments,
  ...jwksFetching,
  ...jwksTimeout,
  ...jwksCacheHeaders,
];
