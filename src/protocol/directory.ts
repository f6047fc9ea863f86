import { z } from 'zod';
import { DiscoveryDocumentSchema } from './discovery.ts';

/** Query parameters of `GET {directory_url}/api/search` as received in the URL (§6.11). */
export const DirectorySearchQuerySchema = z
  .looseObject({
    intent: z.string().min(1),
    limit: z
      .string()
      .regex(/^[0-9]+$/)
      .optional(),
  })
  .describe('Query parameters of the directory search endpoint (§6.11).');
export type DirectorySearchQuery = z.infer<typeof DirectorySearchQuerySchema>;

export const DirectorySearchResponseSchema = z
  .looseObject({
    providers: z.array(DiscoveryDocumentSchema),
    intent: z.string(),
    count: z.number().int().nonnegative(),
  })
  .describe('Response of the directory search endpoint; each provider is a discovery document (§6.11).');
export type DirectorySearchResponse = z.infer<typeof DirectorySearchResponseSchema>;

export const DIRECTORY_SEARCH_PATH = '/api/search';
