import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32';
import { MAX_DECOMPRESSED_BYTES, gunzip, gunzipAsync, gunzipFflate, gunzipStream, isGzip } from './gzip';
import { sameBytes } from './test-helpers';
import { DatasetError } from './types';

const sample = Uint8Array.from({ length: 100_000 }, (_, i) => (i * i + (i >> 7)) & 0xff);

describe('crc32', () => {
  it('matches the standard check value and a byte-at-a-time reference', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    let c = 0xffffffff;
    for (const b of sample.subarray(0, 1003)) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    expect(crc32(sample.subarray(0, 1003))).toBe((c ^ 0xffffffff) >>> 0);
  });
});

it('detects gzip by its magic bytes', () => {
  expect(isGzip(gzipSync(sample))).toBe(true);
  expect(isGzip(sample)).toBe(false);
  expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
});

// `gunzip` is native zlib under Node; `gunzipFflate` is what browsers run. Both must agree.
describe.each([
  ['gunzip (native zlib in Node)', gunzip],
  ['gunzipFflate (browser path)', gunzipFflate],
])('%s', (_, unzip) => {
  it('round-trips, with and without optional header fields', () => {
    expect(sameBytes(unzip(gzipSync(sample, { level: 6 }), 'a.gz'), sample)).toBe(true);
    expect(sameBytes(unzip(gzipSync(sample, { level: 0, filename: 'train.bin', mtime: 0 }), 'b.gz'), sample)).toBe(true);
    expect(unzip(gzipSync(new Uint8Array(0)), 'empty.gz')).toEqual(new Uint8Array(0));
    expect(unzip(gzipSync(sample), 'a.gz')).not.toBeInstanceOf(Buffer);
  });

  it('names a truncated stream', () => {
    const gz = gzipSync(sample);
    expect(() => unzip(gz.subarray(0, gz.length >> 1), 'cifar-100-binary.tar.gz')).toThrow(
      /^cifar-100-binary\.tar\.gz is not a valid gzip stream: unexpected (EOF|end of file) \(file truncated\?\)$/,
    );
    expect(() => unzip(new Uint8Array([0x1f, 0x8b, 8]), 's.gz')).toThrow(/^s\.gz is not a valid gzip stream: /);
  });

  it('names random bytes and non-deflate methods', () => {
    const random = Uint8Array.from({ length: 1000 }, (_, i) => (i * 2654435761) >>> 24);
    expect(() => unzip(random, 'r.bin')).toThrow(new DatasetError('r.bin is not a valid gzip stream: missing 1f 8b magic bytes'));
    const m = gzipSync(sample).slice();
    m[2] = 7;
    expect(() => unzip(m, 'm.gz')).toThrow(/m\.gz is not a valid gzip stream: (compression method 7 is not deflate|unknown compression method)/);
  });

  it('catches corruption the deflate decoder accepts: CRC and length trailer', () => {
    const stored = gzipSync(sample, { level: 0 }); // stored blocks: any payload byte change still decodes
    const flipped = stored.slice();
    flipped[stored.length - 5000] ^= 1;
    expect(() => unzip(flipped, 'c.gz')).toThrow(/^c\.gz is not a valid gzip stream: (CRC-32 mismatch|incorrect data check)/);

    for (const wrongSize of [sample.length - 1, sample.length + 1, 12, 0xfffffff0]) {
      const bad = stored.slice();
      new DataView(bad.buffer).setUint32(bad.length - 4, wrongSize, true);
      expect(() => unzip(bad, 'l.gz')).toThrow(/^l\.gz is not a valid gzip stream: (trailer says|decompresses to more|incorrect length check)/);
    }
  });
});

// A few kB of gzip can claim gigabytes ("zip bomb"): every decoder stops at the limit.
describe('decompressed size limit', () => {
  const zeros = gzipSync(new Uint8Array(3 << 20)); // 3 MiB of zeros in ~3 kB
  const limitMsg = /^bomb\.gz decompresses to more than 1048576 bytes \(1 MiB\), the limit for a dataset archive$/;

  it('is 1 GiB by default', () => {
    expect(MAX_DECOMPRESSED_BYTES).toBe(2 ** 30);
  });

  it.each([
    ['gunzip (native zlib in Node)', gunzip],
    ['gunzipFflate (browser path)', gunzipFflate],
  ])('%s refuses output past the limit, and accepts output up to it', (_, unzip) => {
    expect(() => unzip(zeros, 'bomb.gz', 1 << 20)).toThrow(limitMsg);
    expect(unzip(zeros, 'ok.gz', 3 << 20).length).toBe(3 << 20);
  });

  it('fflate stops at the limit or at the trailer size, whatever the trailer claims', () => {
    const claiming = (claimed: number) => {
      const lying = zeros.slice();
      new DataView(lying.buffer).setUint32(lying.length - 4, claimed, true);
      return lying;
    };
    expect(() => gunzipFflate(claiming(0xfffffff0), 'bomb.gz', 1 << 20)).toThrow(limitMsg); // implausible: not preallocated
    expect(() => gunzipFflate(claiming(2 << 20), 'bomb.gz', 1 << 20)).toThrow(limitMsg); // over the limit: not preallocated
    expect(() => gunzipFflate(claiming(12), 'bomb.gz', 1 << 20)).toThrow(/trailer says 12 bytes, decompressed more/); // 13-byte buffer
  });

  it('gunzipStream (DecompressionStream) stops at the limit', async () => {
    await expect(gunzipStream(zeros, 'bomb.gz', 1 << 20)).rejects.toThrow(limitMsg);
    expect((await gunzipStream(zeros, 'ok.gz', 3 << 20)).length).toBe(3 << 20);
    await expect(gunzipAsync(zeros, 'bomb.gz', 1 << 20)).rejects.toThrow(limitMsg);
  });
});

it('fflate path never trusts an absurd trailer size as an allocation', () => {
  const gz = gzipSync(sample).slice();
  new DataView(gz.buffer).setUint32(gz.length - 4, 0xfffffff0, true); // ~4 GB claimed
  expect(() => gunzipFflate(gz, 'huge.gz')).toThrow(/trailer says 4294967280 bytes, decompressed 100000/);
});

describe('gunzipStream (DecompressionStream, the fast browser path)', () => {
  it('round-trips and names truncation and corruption', async () => {
    const gz = gzipSync(sample, { level: 0 });
    expect(sameBytes(await gunzipStream(gz, 'a.gz'), sample)).toBe(true);
    await expect(gunzipStream(gz.subarray(0, 5000), 't.gz')).rejects.toThrow(/^t\.gz is not a valid gzip stream: unexpected end of file \(file truncated\?\)$/);
    const flipped = gz.slice();
    flipped[gz.length - 5000] ^= 1;
    await expect(gunzipStream(flipped, 'c.gz')).rejects.toThrow(DatasetError);
    await expect(gunzipStream(sample, 'r.bin')).rejects.toThrow('r.bin is not a valid gzip stream: missing 1f 8b magic bytes');
  });

  it('gunzipAsync picks a decoder and gives the same bytes', async () => {
    expect(sameBytes(await gunzipAsync(gzipSync(sample), 'a.gz'), sample)).toBe(true);
  });
});
