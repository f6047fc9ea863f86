import { describe, expect, it } from 'vitest';
import { loadRulings } from '../../src/catalogue/rulings.ts';

describe('spec/rulings.yaml', () => {
  const rulings = loadRulings();

  it('validates and has unique ids', () => {
    expect(rulings.length).toBeGreaterThanOrEqual(8);
  });

  it('covers every contradiction the suite was asked to rule on', () => {
    const ids = new Set(rulings.map((r) => r.id));
    for (const id of [
      'RUL-EXEC-AUD',
      'RUL-EXEC-TARGET',
      'RUL-JTI-CONCURRENT',
      'RUL-PENDING-HOST-STATUS',
      'RUL-FULL-DENIAL',
      'RUL-REMOVED-CAPABILITY',
      'RUL-ASYNC-STATUS-CODES',
      'RUL-REPLAY-WINDOW',
      'RUL-REACTIVATION-APPROVAL',
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });

  it('covers the gaps client certification rules on', () => {
    const ids = new Set(rulings.map((r) => r.id));
    for (const id of [
      'RUL-SLOW-DOWN',
      'RUL-APPROVAL-EXPIRY',
      'RUL-CONNECT-PENDING-RETURN',
      'RUL-LOCATION-STATUS-ORIGIN',
      'RUL-POLL-AUD',
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });
});
