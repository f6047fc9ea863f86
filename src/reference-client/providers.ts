import { serviceUrlOf, type Discovery, type Provider } from './discovery.ts';
import { ToolError } from './tool-error.ts';
import { parseAbsoluteUrl } from './url-policy.ts';

/**
 * The providers the client knows: the configured ones (`--provider`, the first is the default)
 * and any the agent discovered since. A provider argument is a service URL or a provider name.
 */
export class ProviderRegistry {
  private readonly known: string[] = [];

  constructor(
    configured: readonly string[],
    private readonly discovery: Discovery,
  ) {
    for (const url of configured) this.remember(url);
  }

  serviceUrls(): string[] {
    return [...this.known];
  }

  remember(serviceUrl: string): void {
    const base = serviceUrlOf(serviceUrl);
    if (!this.known.includes(base)) this.known.push(base);
  }

  async resolve(argument: string | undefined): Promise<Provider> {
    if (argument === undefined || argument === '') {
      const first = this.known[0];
      if (first === undefined) throw new ToolError('provider_required', 'no provider was given and none is configured');
      return this.discovery.provider(first);
    }
    if (parseAbsoluteUrl(argument) !== undefined) {
      const provider = await this.discovery.provider(argument);
      this.remember(argument);
      return provider;
    }
    const names: string[] = [];
    for (const url of this.known) {
      const provider = await this.discovery.provider(url).catch(() => undefined);
      if (provider === undefined) continue;
      if (provider.name === argument) return provider;
      names.push(provider.name);
    }
    throw new ToolError(
      'unknown_provider',
      `no provider named "${argument}" is known; give its service URL or one of the known names`,
      {
        known_providers: names,
      },
    );
  }
}
