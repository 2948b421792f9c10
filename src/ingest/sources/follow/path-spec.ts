import { stat } from 'node:fs/promises';
import { basename, dirname, sep } from 'node:path';

/**
 * One followed path as the watcher sees it: the folder to watch, how deep, and which
 * files in it are followed. chokidar 4 takes no globs, so a glob is watched from its
 * longest plain prefix and matched here.
 */
export interface PathSpec {
  /** As configured (absolute). */
  path: string;
  kind: 'file' | 'folder' | 'glob';
  /** The folder to watch. */
  root: string;
  /** Folder levels below root to watch; undefined for any depth. */
  depth: number | undefined;
  matches(file: string): boolean;
}

const GLOB_CHARS = /[*?[\]{}]/;

export function hasGlob(path: string): boolean {
  return GLOB_CHARS.test(path);
}

/** A path is a folder if it is one now; anything else (missing too) is followed as a file. */
export async function specFor(path: string, recursive: boolean): Promise<PathSpec> {
  if (hasGlob(path)) return globSpec(path);
  const st = await stat(path).catch(() => null);
  if (st?.isDirectory()) {
    const prefix = path.endsWith(sep) ? path : path + sep;
    return {
      path,
      kind: 'folder',
      root: path,
      depth: recursive ? undefined : 0,
      // Hidden files (editor swap files, .DS_Store) are not logs.
      matches: (f) => f.startsWith(prefix) && !basename(f).startsWith('.') && (recursive || dirname(f) === path),
    };
  }
  return { path, kind: 'file', root: dirname(path), depth: 0, matches: (f) => f === path };
}

function globSpec(path: string): PathSpec {
  const parts = path.split(sep);
  const firstGlob = parts.findIndex((p) => hasGlob(p));
  const root = parts.slice(0, firstGlob).join(sep) || sep;
  const rest = parts.slice(firstGlob);
  const re = globToRegExp(path.split(sep).join('/'));
  return {
    path,
    kind: 'glob',
    root,
    depth: rest.includes('**') ? undefined : rest.length - 1,
    matches: (f) => re.test(f.split(sep).join('/')),
  };
}

/** `*` and `?` within a segment, `**` across segments, `[...]` classes, `{a,b}` alternatives. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces) {
      braces--;
      re += ')';
    } else if (c === ',' && braces) re += '|';
    else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Is `file` a rotated name of `base` — app.log.1, app.log.1.gz, app.log-20240301 — in
 * the same folder? Such siblings are looked at for the rest of a rotated file, never
 * followed for their own sake.
 */
export function isRotationOf(file: string, base: string): boolean {
  if (dirname(file) !== dirname(base)) return false;
  const f = basename(file);
  const b = basename(base);
  return f.length > b.length + 1 && f.startsWith(b) && '.-_'.includes(f[b.length]!);
}
