// Stored filters. Spec: client-server-api/_index.md "Filtering"; filter.yaml.
import { MatrixError } from '@weft/core';
import type { FilterStore } from '../storage/ports/sync.js';
import { validateSyncFilter, type SyncFilter } from './Filter.js';

export class FilterService {
  /** Parsed filters by "userId\0filterId": filters are immutable, so caching is safe. */
  private readonly cache = new Map<string, SyncFilter>();

  constructor(private readonly store: FilterStore) {}

  async create(userId: string, body: unknown): Promise<string> {
    const filter = validateSyncFilter(body);
    return this.store.createFilter(userId, JSON.stringify(filter));
  }

  /** GET /user/{userId}/filter/{filterId}: 404 M_NOT_FOUND when unknown. */
  async get(userId: string, filterId: string): Promise<SyncFilter> {
    const key = `${userId}\u0000${filterId}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const json = await this.store.getFilter(userId, filterId);
    if (json === undefined) throw new MatrixError(404, 'M_NOT_FOUND', 'No such filter');
    const filter = JSON.parse(json) as SyncFilter;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, filter);
    return filter;
  }

  /**
   * /sync `filter` parameter: "The server will detect whether it is an ID or a
   * JSON object by whether the first character is a '{' open brace" (sync.yaml).
   */
  async resolve(userId: string, param: string | undefined): Promise<SyncFilter> {
    if (param === undefined || param === '') return {};
    if (param.startsWith('{')) {
      let value: unknown;
      try {
        value = JSON.parse(param);
      } catch {
        throw new MatrixError(400, 'M_INVALID_PARAM', 'filter is not valid JSON');
      }
      return validateSyncFilter(value);
    }
    try {
      return await this.get(userId, param);
    } catch (err) {
      if (err instanceof MatrixError && err.errcode === 'M_NOT_FOUND') {
        throw new MatrixError(400, 'M_INVALID_PARAM', 'Unknown filter ID');
      }
      throw err;
    }
  }
}
