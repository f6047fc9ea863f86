import {
  defineCheck,
  generateEd25519KeyPair,
  jwks,
  type CheckContext,
  type CheckDefinition,
  type PublishedJwks,
} from '../../../src/harness/api.ts';
import { expectRegistered } from '../_shared/registration.ts';
import { expectRegistrationRefused, newJwksHost, requireLoopbackAllowance } from './fixtures.ts';

type KeySet = ReturnType<typeof jwks>;

/** A symmetric key (32 zero bytes), which has no place in a JWKS of this protocol (§8.12). */
const OCT_KEY = { kty: 'oct', kid: 'conformance-symmetric-key', k: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
const ABSENT_KID = 'conformance-absent-key';
/** Five times the key count §8.12 gives as a sensible limit. */
const OVERSIZED_KEY_COUNT = 100;

interface BadDocument {
  what: string;
  /** Changes what the host's JWKS URL serves (it starts out as the host's valid set). */
  serve?: (published: PublishedJwks, valid: KeySet) => void | Promise<void>;
  /** Header `kid` of the registration's host JWT, instead of the host key's. */
  kid?: string;
}

/**
 * Registers a fresh JWKS-keyed host per bad document, expecting each registration to be refused; then
 * registers one more fresh JWKS-keyed host with an untouched set, expecting success, so the refusals
 * can only be due to the documents.
 */
async function expectDocumentsRefused(
  t: CheckContext,
  expected: string,
  documents: readonly BadDocument[],
): Promise<void> {
  requireLoopbackAllowance(t);
  for (const document of documents) {
    const { host, published } = await newJwksHost(t);
    await document.serve?.(published, jwks(host.keys));
    const refused = await t.client.register(host, {}, document.kid === undefined ? {} : { kid: document.kid });
    expectRegistrationRefused(t, refused, `register with ${document.what}`, expected);
    if (published.fetches.length === 0)
      t.note(`${document.what}: the server refused without fetching it, so its document validation was not observed`);
  }
  const control = await newJwksHost(t);
  expectRegistered(
    t,
    await t.client.register(control.host),
    'control: a fresh JWKS-keyed host with a valid set registers',
    control.published,
  );
}

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.key-rotation.jwks.rejects-non-jwk-set',
    title: 'A host JWKS that is not JSON, or not a JWK Set, is refused',
    area: 'key-rotation',
    requirements: ['AAP-8.12-13', 'AAP-8.12-11'],
    level: 'MUST',
    rulings: ['RUL-JWKS-LOOPBACK'],
    needs: [{ endpoint: 'register' }],
    async run(t: CheckContext) {
      await expectDocumentsRefused(t, '§8.12: the response must parse as a JWK Set', [
        {
          what: 'a host JWKS URL answering text that is not JSON',
          serve: (published) => published.replaceText('{"keys": ['),
        },
        {
          what: 'a host JWKS URL answering a JSON object without "keys"',
          serve: (published, valid) => published.replace({ key: valid.keys[0] }),
        },
      ]);
    },
  }),
  defineCheck({
    id: 'server.key-rotation.jwks.rejects-empty-key-set',
    title: 'A host JWKS whose keys array is empty is refused',
    area: 'key-rotation',
    requirements: ['AAP-8.12-14', 'AAP-8.12-11'],
    level: 'MUST',
    rulings: ['RUL-JWKS-LOOPBACK'],
    needs: [{ endpoint: 'register' }],
    async run(t: CheckContext) {
      await expectDocumentsRefused(t, '§8.12: empty key sets are rejected', [
        { what: 'a host JWKS of {"keys":[]}', serve: (published) => published.replace({ keys: [] }) },
      ]);
    },
  }),
  defineCheck({
    id: 'server.key-rotation.jwks.rejects-incomplete-keys',
    title: 'A host JWKS holding a key without the parameters of its type, or of an unknown type, is refused',
    area: 'key-rotation',
    requirements: ['AAP-8.12-15', 'AAP-8.12-11'],
    level: 'MUST',
    rulings: ['RUL-JWKS-LOOPBACK'],
    needs: [{ endpoint: 'register' }],
    async run(t: CheckContext) {
      await expectDocumentsRefused(t, '§8.12: every key needs kty and the parameters of its type, and a known type', [
        {
          what: 'a host JWKS holding the host key and an OKP key without x',
          serve: (published, valid) =>
            published.replace({
              keys: [...valid.keys, { kty: 'OKP', crv: 'Ed25519', kid: 'conformance-key-without-x' }],
            }),
        },
        {
          what: 'a host JWKS holding the host key and a key of the unknown type "XYZ"',
          serve: (published, valid) =>
            published.replace({ keys: [...valid.keys, { kty: 'XYZ', kid: 'conformance-unknown-kty', x: 'AAAA' }] }),
        },
      ]);
    },
  }),
  defineCheck({
    id: 'server.key-rotation.jwks.rejects-symmetric-key',
    title: 'A host JWKS holding a symmetric (oct) key next to the host key is refused',
    area: 'key-rotation',
    requirements: ['AAP-8.12-16', 'AAP-8.12-11'],
    level: 'SHOULD',
    rulings: ['RUL-JWKS-LOOPBACK', 'RUL-JWKS-SYMMETRIC-KEY'],
    needs: [{ endpoint: 'register' }],
    async run(t: CheckContext) {
      await expectDocumentsRefused(
        t,
        '§8.12: a set holding a symmetric key is rejected before any of its keys is used',
        [
          {
            what: 'a host JWKS holding the host key and an oct key',
            serve: (published, valid) => published.replace({ keys: [...valid.keys, OCT_KEY] }),
          },
        ],
      );
    },
  }),
  defineCheck({
    id: 'server.key-rotation.jwks.rejects-unknown-kid',
    title: 'A host JWT whose kid names no key of its JWKS is refused',
    area: 'key-rotation',
    requirements: ['AAP-8.12-17', 'AAP-4.2-CLAIM.host_jwks_url'],
    level: 'MUST',
    rulings: ['RUL-JWKS-LOOPBACK'],
    needs: [{ endpoint: 'register' }],
    async run(t: CheckContext) {
      await expectDocumentsRefused(t, '§8.12: the set must hold the expected kid', [
        { what: `a host JWT whose header kid "${ABSENT_KID}" is not in its JWKS`, kid: ABSENT_KID },
      ]);
    },
  }),
  defineCheck({
    id: 'server.key-rotation.jwks.limits-key-count',
    title: `A host JWKS holding ${OVERSIZED_KEY_COUNT} keys is refused`,
    area: 'key-rotation',
    requirements: ['AAP-8.12-18'],
    level: 'SHOULD',
    rulings: ['RUL-JWKS-LOOPBACK'],
    needs: [{ endpoint: 'register' }],
    async run(t: CheckContext) {
      await expectDocumentsRefused(t, '§8.12: servers limit the number of keys they consider (e.g. 20)', [
        {
          what: `a host JWKS holding the host key among ${OVERSIZED_KEY_COUNT} keys`,
          serve: async (published, valid) => {
            const fillers = await Promise.all(
              Array.from({ length: OVERSIZED_KEY_COUNT - 1 }, (_, index) =>
                generateEd25519KeyPair({ kid: `conformance-filler-${index + 1}` }),
              ),
            );
            published.replace({ keys: [...jwks(...fillers).keys, ...valid.keys] });
          },
        },
      ]);
    },
  }),
];
