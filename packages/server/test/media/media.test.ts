// The content repository: upload (content-repo.yaml), authenticated download,
// thumbnails and config (authed-content-repo.yaml), on both engines.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';

const MEDIA = '/_matrix/media/v3';
const V1 = '/_matrix/client/v1/media';

const image = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();

for (const engine of engines()) {
  describe(`media repository (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let png: Buffer;
    let mxc: { server: string; id: string };

    const upload = async (body: Buffer | string, contentType: string | undefined, filename?: string, token = alice.accessToken) => {
      const qs = filename === undefined ? '' : `?filename=${encodeURIComponent(filename)}`;
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (contentType !== undefined) headers['content-type'] = contentType;
      const res = await fetch(`${hs.baseUrl}${MEDIA}/upload${qs}`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const parseMxc = (uri: string) => {
      const m = /^mxc:\/\/([^/]+)\/([A-Za-z0-9_-]+)$/.exec(uri);
      assert.ok(m, uri);
      return { server: m[1]!, id: m[2]! };
    };
    const get = (path: string, token: string | null = bob.accessToken) =>
      fetch(`${hs.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

    before(async () => {
      hs = await startTestServer({ engine, config: { max_upload_size: '64K', max_image_pixels: '1M' } });
      alice = await hs.register('alice');
      bob = await hs.register('bob');
      png = await image(400, 300);
      const res = await upload(png, 'image/png', 'cake.png');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      mxc = parseMxc(res.body.content_uri);
    });
    after(() => hs.close());

    it('upload → mxc:// URI on this server; download (authenticated) returns the bytes with type, disposition and safety headers', async () => {
      assert.equal(mxc.server, hs.serverName);
      const res = await get(`${V1}/download/${mxc.server}/${mxc.id}`);
      assert.equal(res.status, 200);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), png);
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.equal(res.headers.get('content-disposition'), 'inline; filename="cake.png"');
      assert.match(res.headers.get('content-security-policy') ?? '', /sandbox/);
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      // The file name in the URL overrides the stored one.
      const named = await get(`${V1}/download/${mxc.server}/${mxc.id}/other.png`);
      assert.equal(named.headers.get('content-disposition'), 'inline; filename="other.png"');
    });

    it('downloads need a token; the deprecated unauthenticated endpoints are frozen (404 M_UNRECOGNIZED)', async () => {
      const anon = await get(`${V1}/download/${mxc.server}/${mxc.id}`, null);
      assert.equal(anon.status, 401);
      assert.equal(((await anon.json()) as { errcode: string }).errcode, 'M_MISSING_TOKEN');
      const legacy = await get(`${MEDIA}/download/${mxc.server}/${mxc.id}`, null);
      assert.equal(legacy.status, 404);
      assert.equal(((await legacy.json()) as { errcode: string }).errcode, 'M_UNRECOGNIZED');
    });

    it('unknown, malformed and remote media → 404 M_NOT_FOUND', async () => {
      for (const path of [`${mxc.server}/AAAAAAAAAAAAAAAAAAAAAAAA`, `${mxc.server}/..%2F..%2Fetc%2Fpasswd`, `other.example/${mxc.id}`]) {
        const res = await get(`${V1}/download/${path}`);
        assert.equal(res.status, 404, path);
        assert.equal(((await res.json()) as { errcode: string }).errcode, 'M_NOT_FOUND');
      }
    });

    it('thumbnails: crop fills the box exactly, scale keeps the aspect and covers it, never upscaled', async () => {
      const crop = await get(`${V1}/thumbnail/${mxc.server}/${mxc.id}?width=96&height=96&method=crop`);
      assert.equal(crop.status, 200);
      assert.equal(crop.headers.get('content-type'), 'image/png');
      const c = await sharp(Buffer.from(await crop.arrayBuffer())).metadata();
      assert.deepEqual([c.width, c.height], [96, 96]);
      const scale = await get(`${V1}/thumbnail/${mxc.server}/${mxc.id}?width=100&height=100&method=scale`);
      const s = await sharp(Buffer.from(await scale.arrayBuffer())).metadata();
      assert.deepEqual([s.width, s.height], [133, 100]);
      // Asking for more than the image has returns the original.
      const big = await get(`${V1}/thumbnail/${mxc.server}/${mxc.id}?width=800&height=600`);
      assert.deepEqual(Buffer.from(await big.arrayBuffer()), png);
    });

    it('thumbnail errors: missing or bad sizes → 400; not an image → 400; over max_image_pixels → 413 M_TOO_LARGE', async () => {
      const noWidth = await get(`${V1}/thumbnail/${mxc.server}/${mxc.id}?height=10`);
      assert.equal(noWidth.status, 400);
      assert.equal(((await noWidth.json()) as { errcode: string }).errcode, 'M_MISSING_PARAM');
      assert.equal((await get(`${V1}/thumbnail/${mxc.server}/${mxc.id}?width=0&height=10`)).status, 400);
      assert.equal((await get(`${V1}/thumbnail/${mxc.server}/${mxc.id}?width=10&height=10&method=zoom`)).status, 400);
      const text = parseMxc((await upload('hello', 'text/plain')).body.content_uri);
      assert.equal((await get(`${V1}/thumbnail/${text.server}/${text.id}?width=10&height=10`)).status, 400);
      const huge = await sharp({ create: { width: 1500, height: 1000, channels: 3, background: '#000' } }).png({ compressionLevel: 9 }).toBuffer();
      const hugeMxc = parseMxc((await upload(huge, 'image/png')).body.content_uri);
      const tooBig = await get(`${V1}/thumbnail/${hugeMxc.server}/${hugeMxc.id}?width=32&height=32`);
      assert.equal(tooBig.status, 413);
      assert.equal(((await tooBig.json()) as { errcode: string }).errcode, 'M_TOO_LARGE');
    });

    it('dispositions: unsafe types are attachments; non-ASCII names are RFC 5987-encoded; no name, no filename', async () => {
      const html = parseMxc((await upload('<script>alert(1)</script>', 'text/html', 'page.html')).body.content_uri);
      const res = await get(`${V1}/download/${html.server}/${html.id}`);
      assert.equal(res.headers.get('content-type'), 'text/html');
      assert.equal(res.headers.get('content-disposition'), 'attachment; filename="page.html"');
      const unicode = parseMxc((await upload('x', 'text/plain', 'gâteau "1".txt')).body.content_uri);
      const u = await get(`${V1}/download/${unicode.server}/${unicode.id}`);
      assert.equal(u.headers.get('content-disposition'), `inline; filename*=utf-8''g%C3%A2teau%20%221%22.txt`);
      // (A Buffer body: fetch adds no Content-Type of its own.)
      const anonymous = parseMxc((await upload(Buffer.from('x'), undefined)).body.content_uri);
      const a = await get(`${V1}/download/${anonymous.server}/${anonymous.id}`);
      assert.equal(a.headers.get('content-type'), 'application/octet-stream');
      assert.equal(a.headers.get('content-disposition'), 'attachment');
    });

    it('config reports max_upload_size; a bigger upload → 413 M_TOO_LARGE; uploading needs a token', async () => {
      for (const path of [`${V1}/config`, `${MEDIA}/config`]) {
        const res = await get(path);
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { 'm.upload.size': 64 * 1024 });
      }
      const tooLarge = await upload(Buffer.alloc(64 * 1024 + 1), 'application/octet-stream');
      assert.equal(tooLarge.status, 413);
      assert.equal(tooLarge.body.errcode, 'M_TOO_LARGE');
      const exact = await upload(Buffer.alloc(64 * 1024, 7), 'application/octet-stream');
      assert.equal(exact.status, 200);
      const anon = await fetch(`${hs.baseUrl}${MEDIA}/upload`, { method: 'POST', body: 'x' });
      assert.equal(anon.status, 401);
      // The server keeps answering after a refused body.
      assert.equal((await get('/_matrix/client/versions')).status, 200);
    });

    it('asynchronous upload: create, a download waiting for the content, PUT by the creator only, once', async () => {
      const created = await hs.request('POST', '/_matrix/media/v1/create', {}, alice.accessToken);
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.ok(created.body.unused_expires_at > Date.now() + 23 * 3600_000);
      const id = parseMxc(created.body.content_uri);
      // Not uploaded yet: a short wait ends in 504 M_NOT_YET_UPLOADED.
      const early = await get(`${V1}/download/${id.server}/${id.id}?timeout_ms=50`);
      assert.equal(early.status, 504);
      assert.equal(((await early.json()) as { errcode: string }).errcode, 'M_NOT_YET_UPLOADED');
      // A longer one is answered as soon as the content arrives.
      const started = Date.now();
      const waiting = get(`${V1}/download/${id.server}/${id.id}?timeout_ms=10000`);
      await new Promise((r) => setTimeout(r, 100));
      const put = (token: string, body = 'later content') =>
        fetch(`${hs.baseUrl}${MEDIA}/upload/${id.server}/${id.id}?filename=later.txt`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body });
      const byBob = await put(bob.accessToken);
      assert.equal(byBob.status, 403);
      assert.equal(((await byBob.json()) as { errcode: string }).errcode, 'M_FORBIDDEN');
      assert.equal((await put(alice.accessToken)).status, 200);
      const res = await waiting;
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'later content');
      assert.equal(res.headers.get('content-disposition'), 'inline; filename="later.txt"');
      assert.ok(Date.now() - started < 5000);
      const again = await put(alice.accessToken, 'overwrite');
      assert.equal(again.status, 409);
      assert.equal(((await again.json()) as { errcode: string }).errcode, 'M_CANNOT_OVERWRITE_MEDIA');
      // An ID that was never created.
      const unknown = await fetch(`${hs.baseUrl}${MEDIA}/upload/${hs.serverName}/NeverCreated`, { method: 'PUT', headers: { authorization: `Bearer ${alice.accessToken}` }, body: 'x' });
      assert.equal(unknown.status, 404);
      assert.equal((await get(`${V1}/download/${hs.serverName}/NeverCreated?timeout_ms=10000`)).status, 404);
    });

    it('a user holds at most 50 pending uploads (429 M_LIMIT_EXCEEDED)', async () => {
      const carol = await hs.register('carol');
      for (let i = 0; i < 50; i++) assert.equal((await hs.request('POST', '/_matrix/media/v1/create', {}, carol.accessToken)).status, 200);
      const over = await hs.request('POST', '/_matrix/media/v1/create', {}, carol.accessToken);
      assert.equal(over.status, 429);
      assert.equal(over.body.errcode, 'M_LIMIT_EXCEEDED');
      assert.equal((await hs.request('POST', '/_matrix/media/v1/create', {}, bob.accessToken)).status, 200);
    });

    it('/versions advertises v1.11 (authenticated media)', async () => {
      const res = await get('/_matrix/client/versions');
      assert.ok(((await res.json()) as { versions: string[] }).versions.includes('v1.11'));
    });
  });
}
