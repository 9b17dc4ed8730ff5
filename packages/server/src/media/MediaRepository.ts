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
/** What sharp reads and Weft thumbnails (first frame of animations). */
const THUMBNAILABLE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/tiff', 'image/apng']);

export class MediaRepository {
  private readonly now: () => number;
  constructor(private readonly deps: MediaRepositoryDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Stores the bytes (on disk, fsynced, before the row that makes them findable); returns the mxc:// URI. */
  async upload(userId: string, bytes: Buffer, contentType: string, uploadName: string | null): Promise<string> {
    let mediaId = '';
    for (let i = 0; i < ID_LENGTH; i++) mediaId += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
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
    return `mxc://${this.deps.serverName}/${mediaId}`;
  }

  /** The upload and its bytes; 404 M_NOT_FOUND for unknown, malformed or remote media. */
  async download(serverName: string, mediaId: string): Promise<{ media: LocalMedia; bytes: Buffer }> {
    if (!SERVER_NAME.test(serverName) || !MEDIA_ID.test(mediaId)) throw new MatrixError(404, 'M_NOT_FOUND', 'Not found');
    if (serverName !== this.deps.serverName) {
      throw new MatrixError(404, 'M_NOT_FOUND', 'Remote media is not available: this server does not federate yet');
    }
    const media = await this.deps.store.get(mediaId);
    if (!media) throw new MatrixError(404, 'M_NOT_FOUND', 'Not found');
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
  async thumbnail(serverName: string, mediaId: string, width: number, height: number, method: ThumbnailMethod): Promise<{ contentType: string; bytes: Buffer }> {
    const { media, bytes } = await this.download(serverName, mediaId);
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

  /** Files fan out over two directory levels, as Synapse's local_content does. */
  private filePath(mediaId: string): string {
    return join(this.deps.storePath, 'local_content', mediaId.slice(0, 2), mediaId.slice(2, 4), mediaId.slice(4));
  }
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
