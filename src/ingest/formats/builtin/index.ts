/**
 * The built-in formats in detection priority order. When two formats parse the same
 * lines, the earlier wins, so the specific come before the general: JSON variants before
 * plain JSON, a layout with more structure before one with less, the generic
 * "timestamp level message" shape next to last and plain text last.
 */
import type { FormatSpec } from '../spec';
import { accessCombined, accessCommon } from './access';
import { logcat } from './android';
import { criContainer } from './cri';
import { dockerJson } from './docker';
import { apacheError, nginxError } from './errorlogs';
import { generic } from './generic';
import { goStdlib } from './go';
import { java } from './java';
import { journaldJson } from './journald';
import { json } from './json';
import { logfmt } from './logfmt';
import { python, pythonDefault } from './python';
import { rubyLogger } from './ruby';
import { supercomputer } from './supercomputer';
import { syslog3164 } from './syslog3164';
import { syslog5424 } from './syslog5424';
import { plainText } from './text';

export const BUILTIN_SPECS: readonly FormatSpec[] = [
  journaldJson,
  dockerJson,
  json,
  // Before syslog: RFC 3164 also takes ISO stamps, and would read "stdout" as a host.
  criContainer,
  syslog5424,
  syslog3164,
  supercomputer,
  accessCombined,
  accessCommon,
  apacheError,
  nginxError,
  rubyLogger,
  java,
  python,
  pythonDefault,
  logcat,
  goStdlib,
  logfmt,
  generic,
  plainText,
];
