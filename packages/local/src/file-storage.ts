import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { ForbiddenError, NotFoundError, UnprocessableError, ValidationError, attachmentDisposition } from '@sharedtech/core';
import type { AttachmentStorage, StoredObject, UploadTarget } from '@sharedtech/services';

/** Where the local stand-in serves its signed URLs, on the app's own origin. */
export const LOCAL_FILES_PATH = '/files';

interface Grant {
  /** put: upload the declared object; get: download it. */
  o: 'put' | 'get';
  k: string;
  n: number;
  h: string;
  t: string;
  /** The file name (downloads). */
  f?: string;
  /** Expiry, epoch milliseconds. */
  e: number;
}

/** Storage keys are always `attachments/<attachment id>`: nothing else ever becomes a path. */
const KEY = /^attachments\/att_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * The local stand-in for S3: attachment files under a folder (DATA_DIR/attachments
 * for `npm start`), behind signed, expiring URLs on the app's own origin
 * (`/files/<token>`, an HMAC over what the URL allows). An upload is checked
 * against the declared length and SHA-256 while it arrives, and only a match is
 * written (to a temporary file, then renamed), so a bad upload leaves no file.
 */
export function localFileStorage(options: { dir?: string; secret: string; now?: () => number }) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sharedtech-files-'));
  mkdirSync(join(dir, 'attachments'), { recursive: true });
  const now = options.now ?? Date.now;
  const macKey = createHmac('sha256', options.secret).update('sharedtech local file URLs').digest();
  const mac = (payload: string) => createHmac('sha256', macKey).update(payload).digest('base64url');

  const sign = (grant: Grant) => {
    const payload = Buffer.from(JSON.stringify(grant)).toString('base64url');
    return `${LOCAL_FILES_PATH}/${payload}.${mac(payload)}`;
  };
  const verify = (token: string, op: Grant['o']): Grant => {
    const [payload, signature] = token.split('.');
    const expected = payload ? mac(payload) : '';
    const valid = signature !== undefined && signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    const grant = valid ? (JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Grant) : undefined;
    if (!grant || grant.o !== op || !KEY.test(grant.k)) throw new ForbiddenError('URL_INVALID', 'This file URL is not valid.');
    if (grant.e <= now()) throw new ForbiddenError('URL_EXPIRED', 'This file URL has expired; ask for a new one.');
    return grant;
  };
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`Not an attachment key: ${key}`);
    return join(dir, key);
  };
  const writeAtomically = async (key: string, body: Uint8Array) => {
    const target = pathOf(key);
    const temporary = join(dirname(target), `.${randomBytes(8).toString('hex')}.part`);
    await writeFile(temporary, body);
    await rename(temporary, target);
  };

  const storage: AttachmentStorage = {
    async uploadTarget(object: StoredObject, expiresInSeconds: number): Promise<UploadTarget> {
      const expires = now() + expiresInSeconds * 1000;
      const url = sign({ o: 'put', k: object.key, n: object.size, h: object.sha256, t: object.contentType, e: expires });
      return { url, method: 'PUT', headers: { 'content-type': object.contentType }, expiresAt: new Date(expires).toISOString() };
    },
    async downloadUrl(object: StoredObject, expiresInSeconds: number) {
      return sign({ o: 'get', k: object.key, n: object.size, h: object.sha256, t: object.contentType, f: object.name, e: now() + expiresInSeconds * 1000 });
    },
    async inspect(key: string) {
      try {
        const body = await readFile(pathOf(key));
        return { size: body.length, sha256: createHash('sha256').update(body).digest('hex') };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async put(object: StoredObject, body: Uint8Array) {
      await writeAtomically(object.key, body);
    },
    async confirm() {
      // Files are written only after they matched; nothing is pending on disk.
    },
    async remove(key: string) {
      await rm(pathOf(key), { force: true });
    },
  };

  /** `PUT /files/<token>` receives a declared upload; `GET /files/<token>` serves a download. */
  const routes = new Hono()
    .put('/:token', async (c) => {
      const grant = verify(c.req.param('token'), 'put');
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== grant.t) throw ValidationError.field('content-type', `Upload the file as ${grant.t}, as declared.`, 'upload_type');
      // Read no more than declared (plus one byte, to notice more), hashing as it arrives.
      const hash = createHash('sha256');
      const chunks: Uint8Array[] = [];
      let size = 0;
      const reader = c.req.raw.body?.getReader();
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        if (size > grant.n) {
          await reader.cancel();
          break;
        }
        hash.update(value);
        chunks.push(value);
      }
      const sha256 = size > grant.n ? '' : hash.digest('hex');
      const mismatch = [...(size !== grant.n ? ['size'] : []), ...(sha256 !== grant.h ? ['sha256'] : [])];
      if (mismatch.length > 0) {
        throw new UnprocessableError('UPLOAD_MISMATCH', `The upload does not match its declaration (${mismatch.join(', ')}); nothing was stored.`, {
          issues: mismatch.map((field) => ({ path: field, code: 'upload_mismatch', message: `The uploaded ${field} differs from the declared one.` })),
        });
      }
      await writeAtomically(grant.k, Buffer.concat(chunks));
      return c.body(null, 200);
    })
    .get('/:token', async (c) => {
      const grant = verify(c.req.param('token'), 'get');
      const body = await readFile(pathOf(grant.k)).catch(() => undefined);
      if (!body) throw new NotFoundError('File', grant.k);
      return c.body(body, 200, {
        'content-type': grant.t,
        'content-disposition': attachmentDisposition(grant.f ?? 'file'),
        'cache-control': 'private, no-store',
      });
    });

  return { storage, routes, dir };
}
