// Client config (account data), global and per room, and room tags (stored as
// room account data of type m.tag). Spec: client-server-api/modules/
// account_data.md, tags.md; data/api/client-server/account-data.yaml, tags.yaml.
import { MatrixError } from '@weft/core';
import type { AccountDataStore } from '../storage/ports/sync.js';
import { writeAtNextPosition, type StreamDeps } from './streamWrite.js';

/**
 * account_data.md: "Servers MUST reject clients from setting account data for
 * event types that the server manages. Currently, this only includes
 * m.fully_read and m.push_rules" — 405 with M_BAD_JSON (account-data.yaml).
 */
const SERVER_MANAGED = new Set(['m.fully_read', 'm.push_rules']);

export class AccountDataService {
  constructor(private readonly store: AccountDataStore, private readonly streams: StreamDeps) {}

  /** Client PUT: rejects server-managed types. roomId '' = global. */
  async putFromClient(userId: string, roomId: string, type: string, content: Record<string, unknown>): Promise<void> {
    if (SERVER_MANAGED.has(type)) {
      throw new MatrixError(405, 'M_BAD_JSON', `Cannot set ${type} through this API.`);
    }
    await this.put(userId, roomId, type, content);
  }

  /** Server-side write (read markers, push rules, tags). */
  async put(userId: string, roomId: string, type: string, content: Record<string, unknown>): Promise<void> {
    await writeAtNextPosition(this.streams, 'account_data', (pos) => this.store.putAccountData(userId, roomId, type, content, pos), { userIds: [userId] });
  }

  async get(userId: string, roomId: string, type: string): Promise<Record<string, unknown>> {
    const content = await this.store.getAccountData(userId, roomId, type);
    if (content === undefined) throw new MatrixError(404, 'M_NOT_FOUND', 'Account data not found');
    return content;
  }

  async getTags(userId: string, roomId: string): Promise<Record<string, Record<string, unknown>>> {
    const content = await this.store.getAccountData(userId, roomId, 'm.tag');
    const tags = content?.tags;
    return typeof tags === 'object' && tags !== null && !Array.isArray(tags) ? (tags as Record<string, Record<string, unknown>>) : {};
  }

  async setTag(userId: string, roomId: string, tag: string, body: Record<string, unknown>): Promise<void> {
    // tags.md: "order" is a number in [0, 1]; other keys are kept as given.
    if (body.order !== undefined && typeof body.order !== 'number') throw new MatrixError(400, 'M_BAD_JSON', 'order must be a number');
    const tags = { ...(await this.getTags(userId, roomId)), [tag]: body };
    await this.put(userId, roomId, 'm.tag', { tags });
  }

  async deleteTag(userId: string, roomId: string, tag: string): Promise<void> {
    const tags = { ...(await this.getTags(userId, roomId)) };
    if (!(tag in tags)) return;
    delete tags[tag];
    await this.put(userId, roomId, 'm.tag', { tags });
  }
}
