/** Entry: theme first (no flash), the engine session as early as possible, then React. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useThemeStore } from './stores/theme';
import { startSession } from './api/session';
import { bindViewToHash } from './stores/view';
import { bindPageCommands } from './api/page-commands';
import { App } from './App';
import './styles.css';

document.documentElement.dataset.theme = useThemeStore.getState().theme;
startSession(window);
bindViewToHash(window);
bindPageCommands(window);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
