/**
 * Cutting a TCP byte stream into messages.
 *
 * Syslog over TCP (RFC 6587) has two framings, and senders mix them, so each message is
 * recognised on its own: a frame that starts with a digit is octet-counted
 * (`MSG-LEN SP MSG`, RFC 5425/6587 3.4.1); any other is ended by LF (or NUL, which some
 * senders use; RFC 6587 3.4.2). Once a connection has ended a frame with NUL, LF is
 * taken as text on it (multi-line messages of NUL-framed senders stay whole). GELF over
 * TCP is NUL-delimited only.
 *
 * Limits, so a sender cannot make us hold unbounded memory: a message longer than
 * `maxBytes` is cut there and marked (`cut` says why), and the rest of its frame is
 * skipped. An octet count of more than 10 digits is not a count: the frame is read as
 * LF-framed text. A connection that closes mid-frame gives what it sent, marked.
 *
 * Frames that lie whole inside one chunk are handed over as offsets into it (no copy);
 * only frames split across chunks are gathered.
 */

export interface FramerOptions {
  maxBytes: number;
  octetCounting: boolean;
  /** End a non-counted frame at LF (syslog; GELF: false, NUL only). */
  lf: boolean;
}

/** Called per message: bytes [start, end) of buf; `cut` is null or why the message is not whole. */
export type FrameSink = (buf: Buffer, start: number, end: number, cut: string | null) => void;

const enum Mode {
  Start,
  Count,
  Octets,
  Line,
  SkipOctets,
  SkipLine,
}

export class StreamFramer {
  private mode = Mode.Start;
  /** Octet count being read, its digits so far. */
  private count = 0;
  private countDigits = 0;
  /** Octets of the current counted frame not yet seen. */
  private remaining = 0;
  /** Pieces of a frame that spans chunks, and their length. */
  private parts: Buffer[] = [];
  private partLen = 0;
  private cutReason: string | null = null;
  /**
   * Set once a frame of this connection ended at NUL: from then on LF is text, so a
   * NUL-framed sender (Python's SysLogHandler over TCP) keeps its multi-line messages.
   */
  private nulFramed = false;

  constructor(
    private readonly opts: FramerOptions,
    private readonly emit: FrameSink,
  ) {}

  /** Feeds one chunk; frames it completes are emitted before it returns. */
  push(chunk: Buffer): void {
    const n = chunk.length;
    const { maxBytes, octetCounting, lf } = this.opts;
    let i = 0;
    // Index of the next NUL at or after i (or n): found once per chunk, not per frame.
    let nul = -2;
    while (i < n) {
      switch (this.mode) {
        case Mode.Start: {
          const c = chunk[i]!;
          if (c === 10 || c === 0 || c === 13) {
            // Empty frames and the CR of CRLF between frames.
            i++;
            continue;
          }
          if (octetCounting && c >= 49 && c <= 57) {
            this.mode = Mode.Count;
            this.count = 0;
            this.countDigits = 0;
            continue;
          }
          this.mode = Mode.Line;
          continue;
        }
        case Mode.Count: {
          while (i < n) {
            const c = chunk[i]!;
            if (c >= 48 && c <= 57 && this.countDigits < 10) {
              this.count = this.count * 10 + (c - 48);
              this.countDigits++;
              i++;
              continue;
            }
            break;
          }
          if (i === n) return; // the count goes on in the next chunk
          if (chunk[i] === 32) {
            i++;
            this.remaining = this.count;
            this.mode = Mode.Octets;
            if (this.count > maxBytes)
              this.cutReason = `octet count ${this.count} is over the limit of ${maxBytes} bytes: message cut`;
          } else {
            // Not "digits SP": a message that starts with a digit, framed by LF. Its digits
            // were consumed; put them back as text.
            this.gather(Buffer.from(String(this.count).padStart(this.countDigits, '0'), 'latin1'));
            this.mode = Mode.Line;
          }
          continue;
        }
        case Mode.Octets: {
          const want = Math.min(this.remaining, Math.max(0, maxBytes - this.partLen));
          const take = Math.min(want, n - i);
          if (this.partLen === 0 && take === this.remaining) {
            this.emit(chunk, i, i + take, null);
            i += take;
            this.remaining = 0;
            this.mode = Mode.Start;
            continue;
          }
          if (take > 0) this.gather(chunk.subarray(i, i + take));
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.emitGathered(null);
            this.mode = Mode.Start;
          } else if (this.partLen >= maxBytes) {
            this.emitGathered(this.cutReason);
            this.cutReason = null;
            this.mode = Mode.SkipOctets;
          }
          continue;
        }
        case Mode.SkipOctets: {
          const take = Math.min(this.remaining, n - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.mode = Mode.Start;
          continue;
        }
        case Mode.Line:
        case Mode.SkipLine: {
          let end = lf && !this.nulFramed ? chunk.indexOf(10, i) : -1;
          if (nul !== -1 && nul < i) nul = chunk.indexOf(0, i);
          if (nul >= 0 && (end < 0 || nul < end)) {
            end = nul;
            this.nulFramed = true;
          }
          const stop = end < 0 ? n : end;
          if (this.mode === Mode.SkipLine) {
            i = stop;
            if (end >= 0) {
              i++;
              this.mode = Mode.Start;
            }
            continue;
          }
          if (end >= 0 && this.partLen === 0 && end - i <= maxBytes) {
            const e = lf && end > i && chunk[end - 1] === 13 ? end - 1 : end;
            this.emit(chunk, i, e, null);
            i = end + 1;
            this.mode = Mode.Start;
            continue;
          }
          const room = maxBytes - this.partLen;
          const take = Math.min(stop - i, room);
          if (take > 0) this.gather(chunk.subarray(i, i + take));
          if (stop - i > room) {
            this.emitGathered(`no end of message within ${maxBytes} bytes: message cut`);
            i = stop;
            if (end >= 0) {
              i++;
              this.mode = Mode.Start;
            } else this.mode = Mode.SkipLine;
            continue;
          }
          i = stop;
          if (end >= 0) {
            i++;
            this.emitGathered(null, lf);
            this.mode = Mode.Start;
          }
          continue;
        }
      }
    }
  }

  /**
   * The connection closed: a frame in progress is emitted with what arrived. A counted
   * frame is marked; an LF-framed one is not, since many senders end their last message
   * without LF.
   */
  end(): void {
    switch (this.mode) {
      case Mode.Count:
        this.gather(Buffer.from(String(this.count).padStart(this.countDigits, '0'), 'latin1'));
        this.emitGathered(null, this.opts.lf);
        break;
      case Mode.Octets:
        this.emitGathered(`connection closed after ${this.count - this.remaining} of ${this.count} octets`);
        break;
      case Mode.Line:
        if (this.partLen) this.emitGathered(null, this.opts.lf);
        break;
    }
    this.mode = Mode.Start;
    this.parts = [];
    this.partLen = 0;
  }

  /** Bytes of a frame in progress held here. */
  get held(): number {
    return this.partLen;
  }

  private gather(piece: Buffer): void {
    // Chunks are reused by nobody, but a subarray would pin a whole 64 KiB chunk: copy.
    this.parts.push(Buffer.from(piece));
    this.partLen += piece.length;
  }

  private emitGathered(cut: string | null, trimCr = false): void {
    const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partLen);
    this.parts = [];
    this.partLen = 0;
    const end = trimCr && buf.length && buf[buf.length - 1] === 13 ? buf.length - 1 : buf.length;
    this.emit(buf, 0, end, cut);
  }
}
