// Server names (the domain part of Matrix identifiers). Spec: content/appendices.md "Server Name":
//   server_name = hostname [ ":" port ];  port = 1*5DIGIT
//   hostname = IPv4address / "[" IPv6address "]" / dns-name
import { CoreError } from '../errors/CoreError.js';

export type ServerName = string & { readonly __brand: 'ServerName' };

const DNS_RE = /^[A-Za-z0-9.-]{1,255}$/;
const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6_CHARS_RE = /^[0-9A-Fa-f:.]{2,45}$/;
const PORT_RE = /^\d{1,5}$/;

/** Whether `s` is an IPv6 address literal per RFC 3513 §2.2 (no brackets). */
export function isValidIpv6(s: string): boolean {
  if (!IPV6_CHARS_RE.test(s)) return false;
  let head = s;
  let v4Groups = 0;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return false;
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isValidIpv4(tail)) return false;
    head = s.slice(0, lastColon + 1) + '0'; // placeholder group; v4 counts as 2 groups
    v4Groups = 1;
  }
  const dbl = head.indexOf('::');
  if (dbl >= 0 && head.indexOf('::', dbl + 1) >= 0) return false;
  const groupOk = (g: string) => /^[0-9A-Fa-f]{1,4}$/.test(g);
  if (dbl >= 0) {
    const left = head.slice(0, dbl);
    const right = head.slice(dbl + 2);
    const l = left === '' ? [] : left.split(':');
    const r = right === '' ? [] : right.split(':');
    if (!l.every(groupOk) || !r.every(groupOk)) return false;
    return l.length + r.length + v4Groups <= 7;
  }
  const groups = head.split(':');
  return groups.every(groupOk) && groups.length + v4Groups === 8;
}

export function isValidIpv4(s: string): boolean {
  const m = IPV4_RE.exec(s);
  return m !== null && m.slice(1).every((p) => Number(p) <= 255);
}

/** Whether `s` matches the server name grammar. */
export function isValidServerName(s: unknown): s is ServerName {
  if (typeof s !== 'string' || s.length === 0) return false;
  let host = s;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return false;
    const rest = s.slice(end + 1);
    if (rest !== '' && !(rest.startsWith(':') && PORT_RE.test(rest.slice(1)))) return false;
    return isValidIpv6(s.slice(1, end));
  }
  const colon = s.lastIndexOf(':');
  if (colon >= 0) {
    if (!PORT_RE.test(s.slice(colon + 1))) return false;
    host = s.slice(0, colon);
  }
  if (IPV4_RE.test(host)) return isValidIpv4(host);
  return DNS_RE.test(host);
}

/** Parse a server name or throw CoreError('INVALID_ID'). */
export function parseServerName(s: unknown, field?: string): ServerName {
  if (!isValidServerName(s)) throw new CoreError('INVALID_ID', `invalid server name ${JSON.stringify(s)}`, field);
  return s;
}

/** Split a valid server name into host and optional port. */
export function splitServerName(name: ServerName): { host: string; port: number | undefined } {
  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    const rest = name.slice(end + 1);
    return { host: name.slice(0, end + 1), port: rest === '' ? undefined : Number(rest.slice(1)) };
  }
  const colon = name.lastIndexOf(':');
  return colon < 0 ? { host: name, port: undefined } : { host: name.slice(0, colon), port: Number(name.slice(colon + 1)) };
}
