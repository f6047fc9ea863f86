import { defineCheck, type CheckContext } from '../../../src/harness/api.ts';
import { continues, listAll, listPage, widestCaller } from './fixtures.ts';

const paginationWalk = defineCheck({
  id: 'server.capabilities.pagination-walk',
  title: 'Paging with limit=1 ends and yields every capability exactly once',
  area: 'capabilities',
  requirements: [
    'AAP-5.2-PARAM.limit',
    'AAP-5.2-PARAM.cursor',
    'AAP-5.2-RESP.next_cursor',
    'AAP-5.2-RESP.has_more',
    'AAP-5.2-04',
    'AAP-5.2-05',
  ],
  level: 'MAY',
  rulings: ['RUL-NULLABLE-OPTIONAL'],
  needs: [{ endpoint: 'capabilities' }],
  async run(t: CheckContext) {
    const caller = await widestCaller(t);
    const full = (await listAll(t, caller)).map((entry) => entry.name);
    const walked: string[] = [];
    const maxPages = full.length + 2;
    let cursor: string | undefined;
    let pages = 0;
    let oversized = 0;
    for (;;) {
      pages += 1;
      t.expect(
        pages <= maxPages,
        `the limit=1 walk did not end within ${maxPages} pages for ${full.length} capabilities (§5.2)`,
      );
      const { body } = await listPage(t, caller, cursor === undefined ? { limit: 1 } : { limit: 1, cursor });
      walked.push(...body.capabilities.map((entry) => entry.name));
      if (!continues(body)) {
        if (body.has_more === false && typeof body.next_cursor === 'string' && body.next_cursor !== '') {
          t.note(`the last page says has_more false but still gives next_cursor "${body.next_cursor}"`);
        }
        break;
      }
      if (body.capabilities.length > 1) oversized += 1;
      t.expect(
        typeof body.next_cursor === 'string' && body.next_cursor !== '',
        `page ${pages} says has_more is true but gives no next_cursor to continue from (§5.2)`,
      );
      t.expect(
        body.next_cursor !== cursor,
        `page ${pages} hands back the cursor it was given, so the walk cannot advance (§5.2)`,
      );
      cursor = body.next_cursor;
    }
    if (pages === 1 && full.length > 1)
      t.note('the server ignores limit and answers everything in one page (pagination is optional, §5.2)');
    if (oversized > 0) t.note(`${oversized} page(s) held more than the requested limit of 1 entry`);
    const duplicates = walked.filter((name, index) => walked.indexOf(name) !== index);
    t.expect(
      duplicates.length === 0,
      `the limit=1 walk yielded ${[...new Set(duplicates)].join(', ')} more than once (§5.2)`,
    );
    const missing = full.filter((name) => !walked.includes(name));
    const extra = walked.filter((name) => !full.includes(name));
    t.expect(
      missing.length === 0 && extra.length === 0,
      `the limit=1 walk and the unpaged listing differ: missing ${missing.join(', ') || '(none)'}, extra ${extra.join(', ') || '(none)'} (§5.2)`,
    );
  },
});

export const checks = [paginationWalk];
