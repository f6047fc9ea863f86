import type { CapabilityRequestItem } from '../../protocol/index.ts';
import type { ClientContext } from '../context.ts';

/**
 * Capability names travel byte for byte as the agent gave them: they are opaque identifiers
 * (§2.14, §8.15). Only the normalises-capability-names fault rewrites them.
 */
export function sendableName(ctx: ClientContext, name: string): string {
  return ctx.faults.has('normalises-capability-names') ? name.toLowerCase().replace(/[-.\s]/g, '_') : name;
}

/** Requested capabilities as sent: verbatim, constraint objects included (§6.4, §6.6), unless told to drop constraints. */
export function sendableItems(
  ctx: ClientContext,
  items: readonly CapabilityRequestItem[],
  opts: { dropConstraints?: boolean } = {},
): CapabilityRequestItem[] {
  return items.map((item) => {
    if (typeof item === 'string') return sendableName(ctx, item);
    if (opts.dropConstraints) return sendableName(ctx, item.name);
    return { ...item, name: sendableName(ctx, item.name) };
  });
}

/** The names of requested capabilities. */
export function requestedNames(items: readonly CapabilityRequestItem[]): string[] {
  return items.map((item) => (typeof item === 'string' ? item : item.name));
}
