import { isIP } from 'node:net';

/** True for names and addresses that only this machine can reach (a host to listen on, or a Host header's name). */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** True for a peer's address as Node gives it (`127.0.0.1`, `::1`, `::ffff:127.0.0.1`) when it is this machine. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return isLoopback(address.startsWith('::ffff:') ? address.slice(7) : address);
}

/** The host name of a `Host` header or an origin's authority (`[::1]:8080` → `::1`), or undefined if it is not one. */
export function hostName(authority: string): string | undefined {
  try {
    const name = new URL(`http://${authority}`).hostname;
    return name.startsWith('[') ? name.slice(1, -1) : name;
  } catch {
    return undefined;
  }
}
