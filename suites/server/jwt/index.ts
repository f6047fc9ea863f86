import type { CheckDefinition } from '../../../src/harness/api.ts';
import { checks as agentTokens } from './agent-tokens.ts';
import { checks as boundaries } from './boundaries.ts';
import { checks as hostTokens } from './host-tokens.ts';
import { checks as identity } from './identity.ts';
import { checks as replayAndSkew } from './replay-and-skew.ts';

/** Checks of the jwt area: host and agent JWT verification (§4.2-§4.6, §8.2, §8.4). */
export const checks: CheckDefinition[] = [...hostTokens, ...agentTokens, ...identity, ...replayAndSkew, ...boundaries];
