/**
 * Datagrams the kernel dropped before we could read them (the receive buffer was full).
 * Linux counts them per socket in the `drops` column of /proc/net/udp (and udp6); we
 * find our socket by its local address and port. Where that is not there, the
 * system-wide Udp RcvbufErrors of /proc/net/snmp, counted from when we started, is the
 * fallback, and `scope` says it covers every socket. Elsewhere (macOS, Windows) the
 * count is unknown: null.
 */
import { readFileSync } from 'node:fs';

export interface KernelDrops {
  /** Datagrams dropped since the socket opened; null when this system does not tell. */
  dropped: number | null;
  /** Bytes waiting in the socket's receive queue, when known. */
  queuedBytes: number | null;
  scope: 'socket' | 'system' | 'unknown';
}

export class KernelDropCounter {
  private readonly snmpBase: number | null;

  constructor(
    private readonly address: string,
    private readonly port: number,
  ) {
    this.snmpBase = readRcvbufErrors();
  }

  read(): KernelDrops {
    const v6 = this.address.includes(':');
    const row = findSocketRow(v6 ? '/proc/net/udp6' : '/proc/net/udp', hexAddress(this.address), this.port);
    if (row) return { dropped: row.drops, queuedBytes: row.rxQueue, scope: 'socket' };
    const now = readRcvbufErrors();
    if (now !== null && this.snmpBase !== null)
      return { dropped: now - this.snmpBase, queuedBytes: null, scope: 'system' };
    return { dropped: null, queuedBytes: null, scope: 'unknown' };
  }
}

/** The kernel's spelling of an address in /proc/net/udp: IPv4 as one little-endian u32 in hex. */
export function hexAddress(address: string): string | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (m) {
    return [m[4], m[3], m[2], m[1]]
      .map((o) => Number(o).toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase();
  }
  return null; // IPv6: matched on the port alone.
}

/** The row of /proc/net/udp for a local address and port; columns per proc(5). */
export function findSocketRow(
  path: string,
  hexAddr: string | null,
  port: number,
  text?: string,
): { drops: number; rxQueue: number } | null {
  let content = text;
  if (content === undefined) {
    try {
      content = readFileSync(path, 'latin1');
    } catch {
      return null;
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of content.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13) continue;
    const [addr, p] = cols[1]!.split(':');
    if (p !== hexPort) continue;
    if (hexAddr !== null && addr !== hexAddr) continue;
    const rx = parseInt(cols[4]!.split(':')[1] ?? '', 16);
    return { drops: Number(cols[12]), rxQueue: Number.isFinite(rx) ? rx : 0 };
  }
  return null;
}

function readRcvbufErrors(): number | null {
  try {
    const lines = readFileSync('/proc/net/snmp', 'latin1')
      .split('\n')
      .filter((l) => l.startsWith('Udp:'));
    if (lines.length < 2) return null;
    const names = lines[0]!.trim().split(/\s+/);
    const values = lines[1]!.trim().split(/\s+/);
    const i = names.indexOf('RcvbufErrors');
    return i > 0 ? Number(values[i]) : null;
  } catch {
    return null;
  }
}

/** The kernel's cap on SO_RCVBUF (net.core.rmem_max), or null where it cannot be read. */
export function recvBufferMax(): number | null {
  try {
    return Number(readFileSync('/proc/sys/net/core/rmem_max', 'latin1').trim());
  } catch {
    return null;
  }
}
