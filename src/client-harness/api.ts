/**
 * The door for scenario authors: everything a file under suites/client/ takes from src/ comes
 * through here. Scenarios are data; the engine (engine.ts) interprets them.
 */
export {
  defineScenario,
  SPEC_TOOLS,
  type Assertion,
  type Matcher,
  type RequestMatch,
  type Scenario,
  type SpecTool,
  type Step,
} from './scenario.ts';
export type { ClientScenarioKnobs, FixedAnswer, SimEndpoint } from '../sim/client-mode/index.ts';
/** The simulator's capability per role, for scripted answers, which hold no `${…}` placeholders. */
export { CAPABILITY_ROLES } from '../sim/client-mode/index.ts';
