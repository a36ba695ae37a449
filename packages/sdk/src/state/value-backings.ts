import type { StateBackings } from './state-backing';
import { ValueBackedList } from './value-backed-list';
import { ValueBackedMap } from './value-backed-map';

/**
 * Lists and maps kept whole in their PersistedValue: what every StateFun runtime (Keyflow's as
 * well as Apache Flink StateFun) stores and sends, so it is the default.
 */
export const valueBackings: StateBackings = {
  map: (state, stored) => new ValueBackedMap(state, stored),
  list: (state, stored) => new ValueBackedList(state, stored),
};
