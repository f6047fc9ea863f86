import type { CheckDefinition } from '../../../src/harness/api.ts';
import { checks as args } from './arguments.ts';
import { checks as async } from './async.ts';
import { checks as challenge } from './challenge.ts';
import { checks as grants } from './grants.ts';
import { checks as location } from './location.ts';
import { checks as modes } from './modes.ts';
import { checks as outputSchema } from './output-schema.ts';
import { checks as removed } from './removed.ts';
import { checks as stream } from './stream.ts';
import { checks as sync } from './sync.ts';

/** Checks of the execution area: execute shapes, grants at execution, async polling, streams (§2.12, §2.15, §5.11). */
export const checks: CheckDefinition[] = [
  ...sync,
  ...args,
  ...outputSchema,
  ...location,
  ...modes,
  ...grants,
  ...challenge,
  ...async,
  ...stream,
  ...removed,
];
