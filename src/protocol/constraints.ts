import { z } from 'zod';
import { JsonValueSchema } from './common.ts';

/** Operators defined by §2.13; any other operator name is unknown to this protocol version. */
export const KNOWN_CONSTRAINT_OPERATORS = ['max', 'min', 'in', 'not_in'] as const;
export type ConstraintOperator = (typeof KNOWN_CONSTRAINT_OPERATORS)[number];

/**
 * An exact-value constraint. A JSON object is never an exact value: an object-valued constraint is
 * always read as an operator object, because §2.13 forbids mixing the two forms on one field.
 */
export const ExactConstraintValueSchema = z
  .union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValueSchema)])
  .describe('Exact-value constraint: the supplied argument must equal this value (§2.13).');
export type ExactConstraintValue = z.infer<typeof ExactConstraintValueSchema>;

/**
 * An operator object as it may appear on the wire. Unknown operators are tolerated here (a grant may
 * carry operators from a future extension, §2.13); use `unknownConstraintOperators` to detect them.
 */
export const ConstraintOperatorObjectSchema = z
  .looseObject({
    max: z.number().optional(),
    min: z.number().optional(),
    in: z.array(JsonValueSchema).optional(),
    not_in: z.array(JsonValueSchema).optional(),
  })
  .describe('Operator-object constraint, e.g. {"min": 0, "max": 1000} (§2.13).');
export type ConstraintOperatorObject = z.infer<typeof ConstraintOperatorObjectSchema>;

/** An operator object restricted to the operators this protocol version defines (§2.13). */
export const KnownConstraintOperatorObjectSchema = z
  .strictObject(ConstraintOperatorObjectSchema.shape)
  .describe('Operator-object constraint using only max, min, in and not_in (§2.13).');

export const ConstraintValueSchema = z
  .union([ExactConstraintValueSchema, ConstraintOperatorObjectSchema])
  .describe('A constraint on one top-level input field: exact value or operator object (§2.13).');
export type ConstraintValue = z.infer<typeof ConstraintValueSchema>;

export const ConstraintsSchema = z
  .record(z.string(), ConstraintValueSchema)
  .describe('Grant constraints keyed by top-level input field name (§2.13).');
export type Constraints = z.infer<typeof ConstraintsSchema>;

export function isOperatorObject(value: ConstraintValue): value is ConstraintOperatorObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names of operators in `constraints` that §2.13 does not define, sorted and without duplicates. */
export function unknownConstraintOperators(constraints: Constraints): string[] {
  const known: ReadonlySet<string> = new Set(KNOWN_CONSTRAINT_OPERATORS);
  const unknown = new Set<string>();
  for (const value of Object.values(constraints)) {
    if (!isOperatorObject(value)) continue;
    for (const operator of Object.keys(value)) if (!known.has(operator)) unknown.add(operator);
  }
  return [...unknown].sort();
}
