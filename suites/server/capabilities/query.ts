import { defineCheck, type CheckContext } from '../../../src/harness/api.ts';
import { listAll, listPage, widestCaller } from './fixtures.ts';

const queryTolerated = defineCheck({
  id: 'server.capabilities.list-query',
  title: 'A query parameter filters the listing to capabilities the server offers, or is ignored',
  area: 'capabilities',
  requirements: ['AAP-5.2-PARAM.query'],
  level: 'MAY',
  needs: [{ endpoint: 'capabilities' }],
  async run(t: CheckContext) {
    const caller = await widestCaller(t);
    const full = await listAll(t, caller);
    const offered = new Set(full.map((entry) => entry.name));
    const [first] = full;
    if (first === undefined) t.notApplicable('the listing is empty: nothing to search for');
    const word = first.name.split(/[^A-Za-z0-9]+/).find((part) => part.length > 0) ?? first.name;
    for (const query of [word, 'conformance zzz no such thing']) {
      const { body } = await listPage(t, caller, { query });
      const unknown = body.capabilities.filter((entry) => !offered.has(entry.name));
      t.expect(
        unknown.length === 0,
        `listing with query "${query}" returns ${unknown.map((entry) => entry.name).join(', ')}, which the unfiltered listing does not offer (§5.2)`,
      );
      if (query === word && !body.capabilities.some((entry) => entry.name === first.name)) {
        t.note(
          `query "${word}" did not return "${first.name}", whose name contains it (matching is the server's choice)`,
        );
      }
    }
  },
});

export const checks = [queryTolerated];
