/**
 * The result model shared by both certifying roles (a server under test, a client under test): what a
 * run produced. The harnesses build it, the report renderers only read it.
 */
export * from './check-result.ts';
export * from './client-session.ts';
export * from './exchange.ts';
export * from './report.ts';
