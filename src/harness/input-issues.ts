import type { z } from 'zod';

/**
 * What is wrong with a file the user gave (profile, baseline, driver config), in one line: each
 * problem as `path: message`, joined with "; ". A usage error is read on a terminal or in a CI log
 * line, where a multi-line tree of issues gets split up or cut.
 */
export function issuesInOneLine(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
