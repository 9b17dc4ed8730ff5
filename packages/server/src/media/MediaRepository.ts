// The media repository (client-server-api "Content repository"): local uploads
// stored as files under media_store_path with a metadata row, downloads, and
// thumbnails made on request with sharp (loaded on first use: an idle server
// never maps libvips). Remote media needs federation, which Weft does not speak
// yet: it answers 404 M_NOT_FOUND.
import { createHash, randomInt } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MatrixError } from '@weft/core';
import type { LocalMedia, MediaStore } from '../storage/ports/media.js';

export interface MediaRepositoryDeps {
  store: MediaStore;
  serverName: string;
  /** Directory of the files (config media_store_path). */
  storePath: string;
  /** Images with more pixels are not thumbnailed (config max_image_pixels). */
  maxImagePixels: number;
  now?: () => number;
}

export type ThumbnailMethod = 'crop' | 'scale';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 24;
/** "allowing only alphanumeric (A-Za-z0-9), _ and - characters in the media-id segment" */
const MEDIA_ID = /^[A-Za-z0-9_-]+$/;
/** Server names as the appendix allows them (hostname or IP literal, optional port). */
const SERVER_NAME = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;
/** media/v1/create: reservations live this long (the spec's recommended 24 hours)… */
const RESERVATION_MS = 24 * 60 * 60 * 1000;
/** …and a user may hold this many at once (then 429 M_LIMIT_EXCEEDED). */
const MAX_RESERVATIONS = 50;
/** Longest wait for content not yet uploaded (timeout_ms is capped here). */
export const MAX_DOWNLOAD_WAIT_MS = 60_000;
export const DEFAULT_DOWNLOAD_WAIT_MS = 20_000;
/** What sharp reads and Weft thumbnails (first frame of animations). */
const THUMBNAILABLE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/tiff', 'image/apng']);

export class MediaRepository {
  private readonly now: () => number;
  /** Downloads waiting for a reserved ID's content, by media ID. */
  private readonly waiting = new Map<string, Set<() => void>>();
  /** Reserved IDs whose content is being stored right now. */
  private readonly storing = new Set<string>();

  constructor(private readonly deps: MediaRepositoryDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** POST /media/v3/upload: stores the content under a new ID; returns the mxc:// URI. */
  async upload(userId: string, bytes: Buffer, contentType: string, uploadName: string | null): Promise<string> {
    const mediaId = newMediaId();
    await this.store(mediaId, userId, bytes, contentType, uploadName);
    return `mxc://${this.deps.serverName}/${mediaId}`;
  }

  /** POST /media/v1/create: reserves an ID for content uploaded later with uploadTo(). */
  async create(userId: string): Promise<{ content_uri: string; unused_expires_at: number }> {
    const now = this.now();
    if ((await this.deps.store.countReservations(userId, now)) >= MAX_RESERVATIONS) {
      throw new MatrixError(429, 'M_LIMIT_EXCEEDED', `At most ${MAX_RESERVATIONS} pending uploads per user`, { retry_after_ms: 60_000 });
    }
    const mediaId = newMediaId();
    const expiresTs = now + RESERVATION_MS;
    await this.deps.store.reserve({ mediaId, userId, expiresTs });
    return { content_uri: `mxc://${this.deps.serverName}/${mediaId}`, unused_expires_at: expiresTs };
  }

  /** PUT /media/v3/upload/{serverName}/{mediaId}: the content of a reserved ID, by the user who reserved it. */
  async uploadTo(userId: string, serverName: string, mediaId: string, bytes: Buffer, contentType: string, uploadName: string | null): Promise<void> {
    const unknown = () => new MatrixError(404, 'M_NOT_FOUND', 'Unknown media ID');
    if (serverName !== this.deps.serverName || !MEDIA_ID.test(mediaId)) throw unknown();
    if (this.storing.has(mediaId) || (await this.deps.store.get(mediaId))) {
      throw new MatrixError(409, 'M_CANNOT_OVERWRITE_MEDIA', 'Media already uploaded');
    }
    const reservation = await this.deps.store.reservation(mediaId);
    if (!reservation || reservation.expiresTs <= this.now()) throw unknown();
    if (reservation.userId !== userId) throw new MatrixError(403, 'M_FORBIDDEN', 'This media ID was created by another user');
    this.storing.add(mediaId);
    try {
      await this.store(mediaId, userId, bytes, contentType, uploadName);
    } finally {
      this.storing.delete(mediaId);
    }
    const waiters = this.waiting.get(mediaId);
    this.waiting.delete(mediaId);
    for (const wake of waiters ?? []) wake();
  }

  /** Stores the bytes (on disk, fsynced, before the row that makes them findable). */
  private async store(mediaId: string, userId: string, bytes: Buffer, contentType: string, uploadName: string | null): Promise<void> {
    const path = this.filePath(mediaId);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.partial`;
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    await syncDirectory(dirname(path));
    try {
      await this.deps.store.insert({
        mediaId, contentType, uploadName, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), userId, createdTs: this.now(),
      });
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
  }

  /**
   * The upload and its bytes; 404 M_NOT_FOUND for unknown, malformed or remote media. A reserved
   * ID whose content has not arrived is waited for up to `waitMs`, then 504 M_NOT_YET_UPLOADED.
   */
  async download(serverName: string, mediaId: string, waitMs = DEFAULT_DOWNLOAD_WAIT_MS): Promise<{ media: LocalMedia; bytes: Buffer }> {
    if (!SERVER_NAME.test(serverName) || !MEDIA_ID.test(mediaId)) throw new MatrixError(404, 'M_NOT_FOUND', 'Not found');
    if (serverName !== this.deps.serverName) {
      throw new MatrixError(404, 'M_NOT_FOUND', 'Remote media is not available: this server does not federate yet');
    }
    let media = await this.deps.store.get(mediaId);
    if (!media) {
      const reservation = await this.deps.store.reservation(mediaId);
      if (!reservation || reservation.expiresTs <= this.now()) throw new MatrixError(404, 'M_NOT_FOUND', 'Not found');
      await this.uploaded(mediaId, Math.min(Math.max(0, waitMs), MAX_DOWNLOAD_WAIT_MS));
      media = await this.deps.store.get(mediaId);
      if (!media) throw new MatrixError(504, 'M_NOT_YET_UPLOADED', 'Content has not yet been uploaded');
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(this.filePath(mediaId));
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') throw new MatrixError(404, 'M_NOT_FOUND', 'Not found');
      throw err;
    }
    return { media, bytes };
  }

  /**
   * A thumbnail at least width×height where the image allows ("MUST NOT upscale", "MUST NOT
   * return a smaller thumbnail than requested"): crop fills exactly that box, scale keeps the
   * aspect ratio and covers it. An image already within the box is served as it is.
   */
  async thumbnail(
    serverName: string, mediaId: string, width: number, height: number, method: ThumbnailMethod, waitMs = DEFAULT_DOWNLOAD_WAIT_MS,
  ): Promise<{ contentType: string; bytes: Buffer }> {
    const { media, bytes } = await this.download(serverName, mediaId, waitMs);
    if (!THUMBNAILABLE.has(media.contentType)) throw new MatrixError(400, 'M_UNKNOWN', 'Cannot generate thumbnails for the requested content');
    const { default: sharp } = await import('sharp');
    let meta: { width?: number; height?: number; format?: string };
    try {
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch {
      throw new MatrixError(400, 'M_UNKNOWN', 'Cannot generate thumbnails for the requested content');
    }
    const w = meta.width ?? 0;
    const h = meta.height ?? 0;
    if (w * h > this.deps.maxImagePixels) throw new MatrixError(413, 'M_TOO_LARGE', 'Image is too large to thumbnail');
    if (w <= width && h <= height) return { contentType: media.contentType, bytes };
    const resized = sharp(bytes, { limitInputPixels: this.deps.maxImagePixels })
      .rotate()
      .resize(width, height, { fit: method === 'crop' ? 'cover' : 'outside', withoutEnlargement: true });
    try {
      if (media.contentType === 'image/jpeg') return { contentType: 'image/jpeg', bytes: await resized.jpeg({ quality: 80 }).toBuffer() };
      return { contentType: 'image/png', bytes: await resized.png().toBuffer() };
    } catch {
      throw new MatrixError(400, 'M_UNKNOWN', 'Cannot generate thumbnails for the requested content');
    }
  }

  /** Resolves when uploadTo() stores this ID's content, or after `ms`. */
  private uploaded(mediaId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiting.get(mediaId);
      if (!set) this.waiting.set(mediaId, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.waiting.get(mediaId) === set) this.waiting.delete(mediaId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  /** Files fan out over two directory levels, as Synapse's local_content does. */
  private filePath(mediaId: string): string {
    return join(this.deps.storePath, 'local_content', mediaId.slice(0, 2), mediaId.slice(2, 4), mediaId.slice(4));
  }
}

function newMediaId(): string {
  let id = '';
  for (let i = 0; i < ID_LENGTH; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** Makes a rename in the directory durable (an acknowledged upload survives a crash). */
async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
