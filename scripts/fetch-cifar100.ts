// npm run data:cifar100 — fetch the CIFAR-100 binary archive into public/data/ (where the lab
// can load it from its Dataset control) and check it against the published MD5.
//
//   npm run data:cifar100                 download (skipped when a good copy is already there)
//   npm run data:cifar100 -- --check      only verify the file that is there
//   npm run data:cifar100 -- --from FILE  copy a file downloaded elsewhere, then verify it
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';

export const CIFAR100_URL = 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz';
export const CIFAR100_MD5 = '03b5dce01913d631647c71ecec9e9cb8';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = resolve(ROOT, 'public/data/cifar-100-binary.tar.gz');
const CONNECT_TIMEOUT_MS = 30_000;

async function md5Of(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function verify(path: string): Promise<boolean> {
  const md5 = await md5Of(path);
  if (md5 === CIFAR100_MD5) {
    console.log(`OK: ${path} (${(await stat(path)).size} bytes) has MD5 ${md5}`);
    return true;
  }
  console.error(`MD5 mismatch for ${path}: got ${md5}, expected ${CIFAR100_MD5}. The file is damaged or is not the CIFAR-100 binary archive.`);
  return false;
}

function describeFetchError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const code = err.cause?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve ${new URL(CIFAR100_URL).host} (${code}): this machine looks offline`;
  if (code === 'ECONNREFUSED' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH' || code === 'ECONNRESET') {
    return `cannot connect (${code}): this machine looks offline, or a firewall blocks it`;
  }
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
  return err.cause?.message ?? err.message;
}

async function download(): Promise<void> {
  const part = `${TARGET}.part`;
  console.log(`Downloading ${CIFAR100_URL} …`);
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(new DOMException('no answer', 'TimeoutError')), CONNECT_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(CIFAR100_URL, { signal: ctrl.signal, redirect: 'follow' });
  } catch (e) {
    throw new Error(
      `could not download ${CIFAR100_URL}: ${describeFetchError(e)}.\n` +
        `Download the file on a machine with internet access, then run:\n  npm run data:cifar100 -- --from /path/to/cifar-100-binary.tar.gz`,
    );
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok || !res.body) throw new Error(`could not download ${CIFAR100_URL}: HTTP ${res.status} ${res.statusText}`);
  const total = Number(res.headers.get('content-length') ?? 0);
  let got = 0;
  let lastReport = 0;
  const body = Readable.fromWeb(res.body as unknown as NodeReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    got += chunk.length;
    if (Date.now() - lastReport > 2000) {
      lastReport = Date.now();
      console.log(total ? `  ${((100 * got) / total).toFixed(0)}% of ${(total / 2 ** 20).toFixed(0)} MiB` : `  ${(got / 2 ** 20).toFixed(0)} MiB`);
    }
  });
  await pipeline(body, createWriteStream(part));
  if (!(await verify(part))) {
    await rm(part, { force: true });
    throw new Error('the downloaded file failed the MD5 check and was deleted');
  }
  await rename(part, TARGET);
  console.log(`Saved ${TARGET}`);
}

async function main(argv: string[]): Promise<number> {
  await mkdir(dirname(TARGET), { recursive: true });
  const fromIdx = argv.indexOf('--from');
  if (fromIdx >= 0) {
    const src = argv[fromIdx + 1];
    if (!src) throw new Error('--from needs a file path');
    const tmp = `${TARGET}.part`;
    await copyFile(resolve(src), tmp);
    if (!(await verify(tmp))) {
      await rm(tmp, { force: true });
      return 1;
    }
    await rename(tmp, TARGET);
    console.log(`Saved ${TARGET}`);
    return 0;
  }
  if (existsSync(TARGET)) {
    if (await verify(TARGET)) return 0;
    if (argv.includes('--check')) return 1;
    console.log('Downloading a fresh copy.');
  } else if (argv.includes('--check')) {
    console.error(`${TARGET} does not exist: run npm run data:cifar100`);
    return 1;
  }
  await download();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`data:cifar100 failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
