/** Brand, view switcher, query bar, time range, run; then import, imports, theme and connection state. */
import { useQueryStore } from '../stores/query';
import { useThemeStore } from '../stores/theme';
import { useConnectionStore } from '../stores/connection';
import { importsActions, selectHasAny, selectRunningCount, useImportsStore } from '../stores/imports';
import { QueryBar } from './QueryBar';
import { ViewSwitcher } from './ViewSwitcher';
import { TimePicker } from './TimePicker';
import { LiveToggle } from './LiveToggle';
import { OpenFilesButton } from './DropZone';
import { FileIcon, LogoIcon, MoonIcon, PlayIcon, SunIcon } from './icons';

export function TopBar() {
  const submit = useQueryStore((s) => s.submit);
  const theme = useThemeStore((s) => s.theme);
  const toggle = useThemeStore((s) => s.toggle);
  const running = useImportsStore(selectRunningCount);
  const hasImports = useImportsStore(selectHasAny);
  const panelOpen = useImportsStore((s) => s.panelOpen);

  return (
    <header className="topbar">
      <div className="brand" title="LogScope">
        <LogoIcon />
        <span>LogScope</span>
      </div>
      <ViewSwitcher />
      <QueryBar />
      <TimePicker />
      <LiveToggle />
      <button
        type="button"
        className="btn btn-primary"
        data-testid="run-query"
        onClick={() => submit()}
        title="Run query (Enter)"
      >
        <PlayIcon />
        <span>Run</span>
      </button>
      <div className="topbar-sep" />
      <OpenFilesButton testId="open-files" />
      {hasImports && (
        <button
          type="button"
          className={`btn btn-icon badge-host${panelOpen ? ' active' : ''}`}
          title="Imports"
          onClick={() => importsActions.setPanelOpen(!panelOpen)}
          data-testid="imports-toggle"
        >
          <FileIcon />
          {running > 0 && <span className="badge">{running}</span>}
        </button>
      )}
      <button
        type="button"
        className="btn btn-icon"
        data-testid="theme-toggle"
        onClick={toggle}
        title={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
      >
        {theme === 'dark' ? <SunIcon /> : <MoonIcon />}
      </button>
      <ConnectionDot />
    </header>
  );
}

function ConnectionDot() {
  const status = useConnectionStore((s) => s.status);
  const health = useConnectionStore((s) => s.health);
  const mode = useConnectionStore((s) => s.mode);
  const label =
    status.state === 'open'
      ? `Connected (${mode === 'desktop' ? 'desktop' : 'browser'})${health ? ` · engine ${health.version} · ${health.records.toLocaleString('en-US')} records` : ''}`
      : status.state === 'connecting'
        ? 'Connecting…'
        : 'Disconnected';
  return (
    <span
      className={`conn-indicator state-${status.state}`}
      data-testid="connection-state"
      data-state={status.state}
      title={label}
      aria-label={label}
    />
  );
}
