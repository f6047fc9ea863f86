import { loadCatalogue } from '../catalogue/load.ts';
import type { Requirement } from '../catalogue/schema.ts';
import {
  COVERAGE_STATUSES,
  type CheckResult,
  type Coverage,
  type CoverageEntry,
  type CoverageStatus,
  type Role,
} from '../model/index.ts';

/** Which catalogue entries a run of each role can observe: by the entry's role and its `observable`. */
const OBSERVABLE_BY_ROLE: Record<Role, { roles: ReadonlySet<string>; observable: ReadonlySet<string> }> = {
  server: { roles: new Set(['server', 'resource-server']), observable: new Set(['black-box-server', 'operator']) },
  client: { roles: new Set(['client']), observable: new Set(['black-box-client', 'driven-client']) },
};

function countByStatus(entries: readonly CoverageEntry[]): Record<CoverageStatus, number> {
  const counts = Object.fromEntries(COVERAGE_STATUSES.map((status) => [status, 0])) as Record<CoverageStatus, number>;
  for (const entry of entries) counts[entry.status] += 1;
  return counts;
}

/** The verdict a requirement gets from the checks citing it: the worst verdict wins. */
function coverageStatus(results: readonly CheckResult[]): CoverageStatus {
  const statuses = new Set(results.map((result) => result.status));
  if (statuses.has('failed')) return 'failed';
  if (statuses.has('warning') || statuses.has('info')) return 'warned';
  if (statuses.has('passed')) return 'passed';
  if (results.length > 0) return 'skipped';
  return 'untested';
}

/** Reads the catalogue, reporting (not throwing) when it cannot be read. */
export function readCatalogue(): { catalogue: Requirement[] } | { error: string } {
  try {
    return { catalogue: loadCatalogue() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The requirement coverage map: every catalogue entry with the verdict of the checks citing it,
 * plus cited ids the catalogue lacks. Without a catalogue, only cited ids are listed.
 */
export function buildCoverage(
  role: Role,
  results: readonly CheckResult[],
  catalogue: readonly Requirement[] | { error: string },
): Coverage {
  const citing = new Map<string, CheckResult[]>();
  for (const result of results) {
    for (const id of result.requirements) citing.set(id, [...(citing.get(id) ?? []), result]);
  }
  const entry = (id: string, requirement?: Requirement): CoverageEntry => {
    const cited = citing.get(id) ?? [];
    const built: CoverageEntry = { id, status: coverageStatus(cited), checks: cited.map((r) => r.id) };
    if (requirement) {
      built.section = requirement.section;
      built.level = requirement.level;
      built.role = requirement.role;
      built.observable = requirement.observable;
    }
    return built;
  };
  const list = 'error' in catalogue ? undefined : catalogue;
  const requirements = list
    ? list.map((requirement) => entry(requirement.id, requirement))
    : [...citing.keys()].sort().map((id) => entry(id));
  const known = new Set(list ? list.map((requirement) => requirement.id) : citing.keys());
  const unknown_ids = [...citing.entries()]
    .filter(([id]) => !known.has(id))
    .map(([id, cited]) => ({ id, checks: cited.map((r) => r.id) }));
  const scope = OBSERVABLE_BY_ROLE[role];
  const observable = requirements.filter(
    (r) => r.role === undefined || (scope.roles.has(r.role) && scope.observable.has(r.observable ?? '')),
  );
  const coverage: Coverage = {
    catalogue: list ? 'loaded' : 'unavailable',
    requirements,
    unknown_ids,
    counts: countByStatus(requirements),
    observable_counts: countByStatus(observable),
  };
  if ('error' in catalogue) coverage.catalogue_error = catalogue.error;
  return coverage;
}
