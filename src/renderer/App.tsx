/**
 * The top bar (with the view switcher) over one view. Explore: facets on the left;
 * histogram and table in the middle; the selected record on the right. Patterns: the
 * pattern list, with the compare panel on the right. Imports, notices and the drop
 * overlay float above.
 */
import { useEffect } from 'react';
import { useThemeStore } from './stores/theme';
import { selectStoreEmpty, useConnectionStore } from './stores/connection';
import { selectRunningCount, useImportsStore } from './stores/imports';
import { useSelectionStore } from './stores/selection';
import { TopBar } from './components/TopBar';
import { ConnectionBanner } from './components/ConnectionBanner';
import { FacetsSidebar } from './components/FacetsSidebar';
import { HistogramPanel } from './components/HistogramPanel';
import { ResultsBar } from './components/ResultsBar';
import { LogTable } from './components/LogTable';
import { DetailPanel } from './components/DetailPanel';
import { DropZone, FileInput } from './components/DropZone';
import { ImportPanel } from './components/ImportPanel';
import { Notices } from './components/Notices';
import { EmptyState } from './components/EmptyState';
import { useTableKeys } from './components/useTableKeys';
import { useViewKeys } from './components/ViewSwitcher';
import { PatternsView } from './components/PatternsView';
import { SettingsView } from './views/settings/SettingsView';
import { SourcesView } from './views/sources/SourcesView';
import { AnomaliesView } from './views/anomalies/AnomaliesView';
import { AlertsView } from './views/alerts/AlertsView';
import { AlertToasts } from './views/alerts/AlertToasts';
import { useViewStore } from './stores/view';

export function App() {
  const theme = useThemeStore((s) => s.theme);
  const storeEmpty = useConnectionStore(selectStoreEmpty);
  const everOpen = useConnectionStore((s) => s.everOpen);
  const importing = useImportsStore(selectRunningCount) > 0;
  const detailOpen = useSelectionStore((s) => s.detailOpen && s.selectedId !== null);
  const view = useViewStore((s) => s.view);
  useTableKeys();
  useViewKeys();

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const showEmpty = storeEmpty && !importing;

  return (
    <div className="app">
      <TopBar />
      <ConnectionBanner />
      {!everOpen ? (
        <div className="connecting" data-testid="connecting">
          <span className="spinner" /> Connecting to the engine…
        </div>
      ) : view === 'settings' ? (
        <SettingsView />
      ) : view === 'alerts' ? (
        <AlertsView />
      ) : view === 'sources' ? (
        <SourcesView />
      ) : showEmpty ? (
        <EmptyState />
      ) : view === 'patterns' ? (
        <PatternsView />
      ) : view === 'anomalies' ? (
        <AnomaliesView />
      ) : (
        <div className={`explore${detailOpen ? ' with-detail' : ''}`}>
          <FacetsSidebar />
          <main className="explore-main">
            <HistogramPanel />
            <ResultsBar />
            <LogTable />
          </main>
          {detailOpen && <DetailPanel />}
        </div>
      )}
      <ImportPanel />
      <Notices />
      <AlertToasts />
      <DropZone />
      <FileInput />
    </div>
  );
}
