import type { CheckDefinition } from '../../src/harness/api.ts';
import { checks as approval } from './approval/index.ts';
import { checks as capabilities } from './capabilities/index.ts';
import { checks as constraints } from './constraints/index.ts';
import { checks as discovery } from './discovery/index.ts';
import { checks as errors } from './errors/index.ts';
import { checks as execution } from './execution/index.ts';
import { checks as introspection } from './introspection/index.ts';
import { checks as jwt } from './jwt/index.ts';
import { checks as keyRotation } from './key-rotation/index.ts';
import { checks as lifecycle } from './lifecycle/index.ts';
import { checks as registration } from './registration/index.ts';
import { checks as state } from './state/index.ts';

/** Every server-certifying check, in report order (the order of AREAS). */
export const serverChecks: CheckDefinition[] = [
  ...discovery,
  ...capabilities,
  ...registration,
  ...approval,
  ...jwt,
  ...constraints,
  ...lifecycle,
  ...keyRotation,
  ...execution,
  ...introspection,
  ...errors,
  ...state,
];
