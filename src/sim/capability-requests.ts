import { unknownConstraintOperators, type CapabilityRequestItem, type Constraints } from '../protocol/index.ts';
import { detailOf, type CapabilityDefinition } from './capabilities.ts';
import type { SimContext } from './sim-context.ts';
import { invalidRequest, ProtocolError } from './errors.ts';

export interface CapabilityRequest {
  definition: CapabilityDefinition;
  constraints: Constraints | undefined;
}

/**
 * Checks the capabilities of a registration or capability request (§5.3, §5.4, §2.13): every name
 * must be offered, constraints may only use known operators on the capability's top-level input
 * fields. A name listed twice counts once (its last entry wins).
 */
export function readCapabilityRequests(ctx: SimContext, items: readonly CapabilityRequestItem[]): CapabilityRequest[] {
  const normalized = items.map((item) =>
    typeof item === 'string'
      ? { name: item, constraints: undefined }
      : { name: item.name, constraints: item.constraints },
  );
  const unknownNames = [
    ...new Set(normalized.filter((item) => ctx.catalog.find(item.name) === undefined).map((item) => item.name)),
  ];
  if (unknownNames.length > 0) {
    throw new ProtocolError(400, 'invalid_capabilities', 'One or more requested capabilities do not exist', {
      invalid_capabilities: unknownNames,
    });
  }
  const byName = new Map<string, CapabilityRequest>();
  for (const item of normalized) {
    const definition = ctx.catalog.find(item.name)!;
    if (item.constraints !== undefined) checkConstraintShape(ctx, definition, item.constraints);
    const constraints =
      item.constraints !== undefined && Object.keys(item.constraints).length > 0 ? item.constraints : undefined;
    byName.set(item.name, { definition, constraints });
  }
  return [...byName.values()];
}

function checkConstraintShape(ctx: SimContext, definition: CapabilityDefinition, constraints: Constraints): void {
  const unknown = unknownConstraintOperators(constraints);
  if (unknown.length > 0 && !ctx.faults.has('unknown-operator-ignored')) {
    throw new ProtocolError(400, 'unknown_constraint_operator', `Unknown constraint operators: ${unknown.join(', ')}`, {
      unknown_operators: unknown,
    });
  }
  const properties = (detailOf(definition).input?.properties ?? {}) as Record<string, unknown>;
  const strayFields = Object.keys(constraints).filter((field) => !Object.hasOwn(properties, field));
  if (strayFields.length > 0) {
    throw invalidRequest(
      `Constraints must name top-level input fields of '${definition.name}'; unknown: ${strayFields.join(', ')}`,
    );
  }
}
