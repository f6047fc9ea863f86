import { describe, expect, it } from 'vitest';
import { readFixtures, withFixtureArguments, withFixtureFailures } from '../../src/harness/control-fixtures.ts';

describe('fixtures a control hook declares', () => {
  it('fill failing arguments for the roles the profile names, keyed by capability', () => {
    const notes: string[] = [];
    const profile = withFixtureFailures(
      { async: 'report', stream: 'feed' },
      { failing_arguments: { report: { fail: true }, other: { x: 1 } } },
      notes,
    );
    expect(profile.failureArguments).toEqual({ async: { fail: true } });
    expect(notes).toEqual(["failing arguments for the async capability report: from the control hook's fixtures"]);
  });

  it('never override what the profile declares', () => {
    const given = { async: 'report', failureArguments: { async: { mine: 1 } }, arguments: { report: { a: 1 } } };
    const fixtures = { arguments: { report: { a: 2 }, feed: { b: 1 } }, failing_arguments: { report: { fail: true } } };
    expect(withFixtureFailures(given, fixtures, []).failureArguments).toEqual({ async: { mine: 1 } });
    expect(withFixtureArguments(given, fixtures)?.arguments).toEqual({ report: { a: 1 }, feed: { b: 1 } });
  });

  it('are ignored with a reason when malformed', () => {
    expect(readFixtures(undefined)).toEqual({});
    const { fixtures, problem } = readFixtures({ failing_arguments: { report: 'fail' } });
    expect(fixtures).toBeUndefined();
    expect(problem).toMatch(/^control hook "fixtures" ignored: /);
  });
});
