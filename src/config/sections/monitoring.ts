import { actionsFromRaw, actionsSchema, type ActionConfig } from './actions.js';
import { exportSchema, type ExportConfig } from './export.js';
import { historyFromRaw, historySchema, type HistoryConfig } from './history.js';
import { watchFromRaw, watchSchema, type WatchConfig } from './watch.js';

/** The monitoring sections (actions, history, watch, export), composed here so the shared files need one line each. */
export interface MonitoringSections {
  actions: ActionConfig[];
  history: HistoryConfig;
  watch: WatchConfig;
  export: ExportConfig;
}

export const monitoringSchemas = {
  actions: actionsSchema,
  history: historySchema,
  watch: watchSchema,
  export: exportSchema,
} as const;

export function monitoringSections(raw: Record<string, unknown>): MonitoringSections {
  return {
    actions: actionsFromRaw(raw['actions']),
    history: historyFromRaw(raw['history']),
    watch: watchFromRaw(raw['watch']),
    export: (raw['export'] ?? {}) as ExportConfig,
  };
}
