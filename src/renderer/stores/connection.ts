/** The pipe to the engine (state, retries) and what the engine said about itself. */
import { create } from 'zustand';
import type { Result } from '../../shared/protocol';
import type { ConnStatus } from '../api/transport';

export interface ConnectionState {
  mode: 'desktop' | 'browser';
  status: ConnStatus;
  /** Has been open at least once (so a later drop is a "reconnecting", not a "connecting"). */
  everOpen: boolean;
  health: Result<'health'> | null;
  /** The browser had no token to present. */
  missingToken: boolean;
}

export const useConnectionStore = create<ConnectionState>()(() => ({
  mode: 'browser',
  status: { state: 'connecting', attempt: 0, retryAt: null, reason: null },
  everOpen: false,
  health: null,
  missingToken: false,
}));

export const connectionActions = {
  status(status: ConnStatus) {
    useConnectionStore.setState((s) => ({ status, everOpen: s.everOpen || status.state === 'open' }));
  },
  health(health: Result<'health'>) {
    useConnectionStore.setState({ health });
  },
};

/** The store holds nothing at all (not merely nothing matching): show the welcome panel. */
export const selectStoreEmpty = (s: ConnectionState) => s.health !== null && s.health.records === 0;
