import { describe, expect, it } from 'vitest';
import { filesFromArgv, filesFromSecondInstance, handOverData } from './launch-files';

describe('filesFromArgv', () => {
  it('takes the positional arguments of a packaged app, resolved against its working directory', () => {
    expect(
      filesFromArgv(['/opt/LogScope/logscope', 'a.log', '../b.log', '/var/log/c.log'], {
        defaultApp: false,
        cwd: '/home/u/x',
      }),
    ).toEqual(['/home/u/x/a.log', '/home/u/b.log', '/var/log/c.log']);
  });

  it('skips the app directory when started as `electron . files…`', () => {
    expect(filesFromArgv(['/e/electron', '.', 'a.log'], { defaultApp: true, cwd: '/repo' })).toEqual(['/repo/a.log']);
    expect(filesFromArgv(['/e/electron', '.'], { defaultApp: true, cwd: '/repo' })).toEqual([]);
  });

  it('skips switches, including the ones Chromium adds', () => {
    const argv = [
      '/e/electron',
      '--inspect=9229',
      '.',
      '--allow-file-access-from-files',
      'a.log',
      '--original-process-start-time=13',
      '',
    ];
    expect(filesFromArgv(argv, { defaultApp: true, cwd: '/r' })).toEqual(['/r/a.log']);
  });

  it('returns nothing for a bare launch', () => {
    expect(filesFromArgv(['/opt/LogScope/logscope'], { defaultApp: false, cwd: '/' })).toEqual([]);
  });
});

describe('filesFromSecondInstance', () => {
  it('prefers the files the second instance sent', () => {
    expect(filesFromSecondInstance(['/x', 'ignored.log'], '/w', handOverData(['/abs/a.log']), false)).toEqual([
      '/abs/a.log',
    ]);
  });

  it('drops relative paths in the hand-over: they were resolved by the sender or are not ours', () => {
    expect(filesFromSecondInstance(['/x'], '/w', { logscopeFiles: ['/abs/a.log', 'rel.log'] }, false)).toEqual([
      '/abs/a.log',
    ]);
  });

  it('falls back to argv when the data is missing or malformed', () => {
    for (const data of [null, undefined, {}, { logscopeFiles: 'a.log' }, { logscopeFiles: [1] }, 'x']) {
      expect(filesFromSecondInstance(['/x', 'a.log'], '/w', data, false)).toEqual(['/w/a.log']);
    }
  });
});
