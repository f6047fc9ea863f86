import type { ClientContext } from '../context.ts';
import { ToolError } from '../tool-error.ts';

/** §6.2.1: the providers the client has (configured and discovered), as name and description. */
export async function listProviders(ctx: ClientContext): Promise<Record<string, unknown>[]> {
  return Promise.all(
    ctx.providers.serviceUrls().map(async (url) => {
      try {
        const provider = await ctx.discovery.provider(url);
        return { name: provider.name, description: provider.description, issuer: provider.issuer };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return {
          name: url,
          description: `unavailable: ${reason}`,
          error: error instanceof ToolError ? error.code : 'client_error',
        };
      }
    }),
  );
}

/** §6.2.3: fetches {url}/.well-known/agent-configuration and returns the provider. */
export async function discoverProvider(ctx: ClientContext, args: { url: string }): Promise<Record<string, unknown>> {
  const provider = await ctx.discovery.provider(args.url, { refresh: true });
  ctx.providers.remember(args.url);
  const { document } = provider;
  return {
    name: provider.name,
    description: provider.description,
    issuer: provider.issuer,
    version: document.version,
    modes: document.modes,
    approval_methods: document.approval_methods,
  };
}
