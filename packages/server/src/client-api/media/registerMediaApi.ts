// The content repository's endpoints (content-repo.yaml, authed-content-repo.yaml):
// upload under /_matrix/media/v3 (and r0), download, thumbnail and config under
// the authenticated /_matrix/client/v1/media (Matrix 1.11). The deprecated
// unauthenticated /_matrix/media/v3/download and /thumbnail are not served: the
// spec asks servers to "freeze" them for new media, and all of Weft's media is new.
// Asynchronous uploads: POST /_matrix/media/v1/create, then PUT /_matrix/media/v3/upload/…;
// downloads of a created ID wait for its content (timeout_ms). Not yet: /media/preview_url — 404.
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import { queryInt } from '../../http/validate.js';
import { CLIENT_V1 } from '../../http/Router.js';
import { DEFAULT_DOWNLOAD_WAIT_MS, type MediaRepository, type ThumbnailMethod } from '../../media/MediaRepository.js';
import type { LocalMedia } from '../../storage/ports/media.js';

export interface MediaApiDeps {
  media: MediaRepository;
  maxUploadSize: number;
}

const MEDIA_PREFIXES = ['/_matrix/media/v3', '/_matrix/media/r0'];
/** Longest accepted Content-Type and file name (NOTSPEC: they are stored and echoed back). */
const MAX_CONTENT_TYPE = 255;
const MAX_FILE_NAME = 255;

/** client-server-api "Serving inline content": the types served inline; anything else is an attachment. */
const INLINE_TYPES = new Set([
  'text/css', 'text/plain', 'text/csv', 'application/json', 'application/ld+json', 'image/jpeg', 'image/gif', 'image/png',
  'image/apng', 'image/webp', 'image/avif', 'video/mp4', 'video/webm', 'video/ogg', 'video/quicktime', 'audio/mp4',
  'audio/webm', 'audio/aac', 'audio/mpeg', 'audio/ogg', 'audio/wave', 'audio/wav', 'audio/x-wav', 'audio/x-pn-wav',
  'audio/flac', 'audio/x-flac',
]);

/** Headers on every piece of served content (client-server-api "Content repository"). */
const CONTENT_HEADERS = {
  'content-security-policy': "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; object-src 'self';",
  'cross-origin-resource-policy': 'cross-origin',
};

export function registerMediaApi(router: Router, deps: MediaApiDeps): void {
  router.route({
    method: 'POST',
    path: '/upload',
    prefixes: MEDIA_PREFIXES,
    auth: 'user',
    body: 'raw',
    bodyLimit: deps.maxUploadSize,
    handler: async (req) => {
      const { contentType, fileName } = uploadMetadata(req.headers['content-type'], req.query.filename);
      return { body: { content_uri: await deps.media.upload(req.user.userId, req.body, contentType, fileName) } };
    },
  });

  router.route({
    method: 'POST',
    path: '/create',
    prefixes: ['/_matrix/media/v1'],
    auth: 'user',
    handler: async (req) => ({ body: await deps.media.create(req.user.userId) }),
  });

  router.route({
    method: 'PUT',
    path: '/upload/:serverName/:mediaId',
    prefixes: ['/_matrix/media/v3'],
    auth: 'user',
    body: 'raw',
    bodyLimit: deps.maxUploadSize,
    handler: async (req) => {
      const { contentType, fileName } = uploadMetadata(req.headers['content-type'], req.query.filename);
      await deps.media.uploadTo(req.user.userId, req.params.serverName!, req.params.mediaId!, req.body, contentType, fileName);
      return { body: {} };
    },
  });

  for (const path of ['/media/download/:serverName/:mediaId', '/media/download/:serverName/:mediaId/:fileName']) {
    router.route({
      method: 'GET',
      path,
      prefixes: [CLIENT_V1],
      auth: 'user',
      body: 'none',
      handler: async (req) => {
        const { media, bytes } = await deps.media.download(req.params.serverName!, req.params.mediaId!, queryInt(req.query, 'timeout_ms') ?? DEFAULT_DOWNLOAD_WAIT_MS);
        return { body: bytes, headers: downloadHeaders(media, req.params.fileName) };
      },
    });
  }

  router.route({
    method: 'GET',
    path: '/media/thumbnail/:serverName/:mediaId',
    prefixes: [CLIENT_V1],
    auth: 'user',
    body: 'none',
    handler: async (req) => {
      const width = dimension(req.query, 'width');
      const height = dimension(req.query, 'height');
      const method = req.query.method ?? 'scale';
      if (method !== 'crop' && method !== 'scale') throw new MatrixError(400, 'M_INVALID_PARAM', 'method must be crop or scale');
      const thumb = await deps.media.thumbnail(req.params.serverName!, req.params.mediaId!, width, height, method as ThumbnailMethod, queryInt(req.query, 'timeout_ms') ?? DEFAULT_DOWNLOAD_WAIT_MS);
      return {
        body: thumb.bytes,
        headers: { 'content-type': thumb.contentType, 'content-disposition': INLINE_TYPES.has(thumb.contentType) ? 'inline' : 'attachment', ...CONTENT_HEADERS },
      };
    },
  });

  const config = () => ({ body: { 'm.upload.size': deps.maxUploadSize } });
  router.route({ method: 'GET', path: '/media/config', prefixes: [CLIENT_V1], auth: 'user', body: 'none', handler: config });
  router.route({ method: 'GET', path: '/config', prefixes: MEDIA_PREFIXES, auth: 'user', body: 'none', handler: config });
}

/** The Content-Type (default application/octet-stream) and the `filename` query parameter of an upload. */
function uploadMetadata(header: string | string[] | undefined, filename: string | undefined): { contentType: string; fileName: string | null } {
  const contentType = typeof header === 'string' && header.trim() !== '' ? header.trim() : 'application/octet-stream';
  if (contentType.length > MAX_CONTENT_TYPE || contentType.includes('\u0000')) throw new MatrixError(400, 'M_INVALID_PARAM', 'Content-Type is too long or malformed');
  if (filename !== undefined && (filename.length > MAX_FILE_NAME || filename.includes('\u0000'))) {
    throw new MatrixError(400, 'M_INVALID_PARAM', `filename must be at most ${MAX_FILE_NAME} characters without NUL`);
  }
  return { contentType, fileName: filename === undefined || filename === '' ? null : filename };
}

function dimension(query: Record<string, string | undefined>, name: string): number {
  const n = queryInt(query, name);
  if (n === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', `Missing parameter: ${name}`);
  if (n < 1 || n > 10_000) throw new MatrixError(400, 'M_INVALID_PARAM', `${name} must be an integer from 1 to 10000`);
  return n;
}

/**
 * Content-Type as uploaded; Content-Disposition inline for the safe types, else attachment,
 * with the upload's file name (or the one in the URL), RFC 6266/5987-encoded when not plain ASCII.
 */
function downloadHeaders(media: LocalMedia, urlFileName: string | undefined): Record<string, string> {
  const disposition = INLINE_TYPES.has(media.contentType.split(';')[0]!.trim().toLowerCase()) ? 'inline' : 'attachment';
  const name = urlFileName ?? media.uploadName;
  return {
    'content-type': media.contentType,
    'content-disposition': name ? `${disposition}; ${fileNameParam(name)}` : disposition,
    ...CONTENT_HEADERS,
  };
}

function fileNameParam(name: string): string {
  if (/^[\x20-\x7e]*$/.test(name) && !/["\\]/.test(name)) return `filename="${name}"`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `filename*=utf-8''${encoded}`;
}
