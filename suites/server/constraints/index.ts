import type { CheckDefinition } from '../../../src/harness/api.ts';
import { checks as narrowing } from './narrowing.ts';
import { checks as operators } from './operators.ts';
import { checks as property } from './property.ts';
import { checks as unknownOperator } from './unknown-operator.ts';

/** Checks of the constraints area: scoped grants and their enforcement (§2.13, §5.11). */
export const checks: CheckDefinition[] = [...operators, ...unknownOperator, ...narrowing, ...property];
