import { networkInterfaces } from 'node:os';
import selfsigned from 'selfsigned';
import type { ListenOptions } from '../listen.ts';
import type { ExtraListenerName } from './knobs.ts';

/**
 * The transport of the listeners a scenario may add (each serves only the discovery document):
 *
 * - `plain-http`: plain http on a non-loopback address of this machine. Clients fetch discovery over
 *   https only (§8.12); plain http on loopback is the test allowance a client under test is run
 *   with, so the listener has to sit on another interface for a refusal to be observable. It
 *   answers only peers that are this machine, since it listens where the network can reach it.
 * - `untrusted-tls`: https on 127.0.0.1 with a self-signed certificate made for that address and
 *   localhost, so the only defect is that nobody vouches for it (§8.9: clients verify TLS
 *   certificates when fetching discovery).
 */
export async function extraListenerOptions(name: ExtraListenerName): Promise<ListenOptions> {
  if (name === 'untrusted-tls') return { tls: await untrustedCertificate() };
  const address = nonLoopbackAddress();
  if (address === undefined) {
    throw new ListenerUnavailable(
      'this machine has no non-loopback network interface, so no plain-http origin off loopback can be served',
    );
  }
  return { hostname: address, acceptPeer: isOwnAddress };
}

/** A certificate for 127.0.0.1 and localhost, valid from an hour ago for a day, signed by its own key. */
async function untrustedCertificate(): Promise<{ key: string; cert: string }> {
  const now = Date.now();
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'agent-auth-conformance untrusted listener' }], {
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate: new Date(now - 3_600_000),
    notAfterDate: new Date(now + 86_400_000),
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** The environment cannot provide a listener the scenario needs: the scenario's precondition, not the client. */
export class ListenerUnavailable extends Error {
  override name = 'ListenerUnavailable';
}

/** An IPv4 address of a non-loopback interface, else a global IPv6 one (link-local ones need a zone). */
export function nonLoopbackAddress(): string | undefined {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined && !info.internal);
  const v4 = addresses.find((info) => info?.family === 'IPv4');
  const v6 = addresses.find((info) => info?.family === 'IPv6' && !info.address.toLowerCase().startsWith('fe80'));
  return (v4 ?? v6)?.address;
}

/** Whether `address` (as a socket reports it) is one of this machine's own. */
function isOwnAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.toLowerCase().replace(/^::ffff:/, '');
  return Object.values(networkInterfaces())
    .flat()
    .some((info) => info !== undefined && info.address.toLowerCase() === plain);
}
