import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_EXTENDED_HEADER_BYTES, MAX_TAR_ENTRIES, readTar } from './tar';
import { makeTar, paxRecords, tarHeader } from './test-helpers';
import { DatasetError } from './types';

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('readTar', () => {
  it('round-trips files of many sizes, skipping directories and symlinks', () => {
    const big = Uint8Array.from({ length: 1500 }, (_, i) => (i * 31) & 0xff);
    const exact = new Uint8Array(512).fill(7);
    const tar = makeTar([
      { name: 'cifar-100-binary/', type: '5' },
      { name: 'cifar-100-binary/a.txt', data: 'hello\n' },
      { name: 'cifar-100-binary/empty.bin', data: new Uint8Array(0) },
      { name: 'cifar-100-binary/exact.bin', data: exact },
      { name: 'cifar-100-binary/big.bin', data: big },
      { name: 'cifar-100-binary/link', type: '2' },
    ]);
    const files = readTar(tar);
    expect([...files.keys()]).toEqual([
      'cifar-100-binary/a.txt',
      'cifar-100-binary/empty.bin',
      'cifar-100-binary/exact.bin',
      'cifar-100-binary/big.bin',
    ]);
    expect(text(files.get('cifar-100-binary/a.txt'))).toBe('hello\n');
    expect(files.get('cifar-100-binary/empty.bin')!.length).toBe(0);
    expect(files.get('cifar-100-binary/exact.bin')).toEqual(exact);
    expect(files.get('cifar-100-binary/big.bin')).toEqual(big);
  });

  it('returns views into the input, not copies', () => {
    const tar = makeTar([{ name: 'x.bin', data: new Uint8Array(100).fill(1) }]);
    const x = readTar(tar).get('x.bin')!;
    expect(x.buffer).toBe(tar.buffer);
    expect(x.byteOffset).toBe(512);
  });

  it('joins the ustar prefix, applies pax paths and GNU long names, strips ./', () => {
    const longName = 'd/' + 'n'.repeat(120) + '.bin';
    const tar = makeTar([
      { name: 'some/deep/dir/file.txt', data: 'p', usePrefix: true },
      { name: 'PaxHeaders/x', type: 'x', data: paxRecords({ path: 'pax/named.txt', mtime: '1.5' }) },
      { name: 'short-placeholder', data: 'q' },
      { name: '././@LongLink', type: 'L', data: longName + '\0', gnu: true },
      { name: longName.slice(0, 99), data: 'r', gnu: true },
      { name: './dot/slash.txt', data: 's' },
    ]);
    const files = readTar(tar);
    expect(text(files.get('some/deep/dir/file.txt'))).toBe('p');
    expect(text(files.get('pax/named.txt'))).toBe('q');
    expect(files.has('short-placeholder')).toBe(false);
    expect(text(files.get(longName))).toBe('r');
    expect(text(files.get('dot/slash.txt'))).toBe('s');
  });

  it('ignores the GNU prefix area (it holds other fields there)', () => {
    const h = tarHeader({ name: 'g.txt', gnu: true }, 1);
    // Put junk where a POSIX prefix would be; a GNU header must not read it as a path.
    const junk = new TextEncoder().encode('atime-junk');
    h.set(junk, 345);
    h.fill(0x20, 148, 156);
    const sum = h.reduce((a, b) => a + b, 0);
    h.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
    const tar = new Uint8Array(512 * 4);
    tar.set(h, 0);
    tar[512] = 0x41;
    expect(text(readTar(tar).get('g.txt'))).toBe('A');
  });

  it('stops at the end-of-archive blocks and ignores what follows', () => {
    const tar = makeTar([{ name: 'a', data: 'x' }]);
    const withTrailer = new Uint8Array(tar.length + 4096);
    withTrailer.set(tar);
    withTrailer.fill(0xee, tar.length); // bytes after the two zero blocks (e.g. block padding)
    expect([...readTar(withTrailer).keys()]).toEqual(['a']);
  });

  it('tolerates a missing end-of-archive marker after a whole entry', () => {
    const tar = makeTar([{ name: 'a', data: 'x' }], false);
    expect(text(readTar(tar).get('a'))).toBe('x');
  });

  it('rejects an entry claiming more bytes than exist, naming it', () => {
    const tar = makeTar([{ name: 'cifar-100-binary/train.bin', data: new Uint8Array(1000), claimedSize: 155_000_000 }], false);
    expect(() => readTar(tar, 'cifar-100-binary.tar.gz')).toThrow(
      new DatasetError('cifar-100-binary.tar.gz: truncated tar entry cifar-100-binary/train.bin (claims 155000000 bytes, 1024 present)'),
    );
  });

  // Found by the fuzzer: names went into messages raw (newlines, U+FFFD, kilobytes of pax path).
  it('quotes odd entry names in messages and cuts long ones short', () => {
    const long = `dir/${'x'.repeat(5000)}\ntrain.bin`;
    const tar = makeTar([
      { name: 'p', type: 'x', data: paxRecords({ path: long }) },
      { name: 'a.bin', data: new Uint8Array(100), claimedSize: 2000 },
    ], false);
    let msg = '';
    try {
      readTar(tar, 't.tar');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/^t\.tar: truncated tar entry "dir\/x{76}…x{20}\\ntrain\.bin" \(5014 characters\) \(claims 2000 bytes, 512 present\)$/);
    const nl = makeTar([{ name: 'a\nb', data: new Uint8Array(10), claimedSize: 900 }], false);
    expect(() => readTar(nl, 't.tar')).toThrow('t.tar: truncated tar entry "a\\nb" (claims 900 bytes, 512 present)');
    expect(() => readTar(makeTar([{ name: 'p', type: 'x', data: paxRecords({ size: '9'.repeat(400) }) }, { name: 'a', data: 'x' }]), 't.tar')).toThrow(
      /pax size "9{80}…9{30}" \(400 characters\) is not a whole number$/,
    );
  });

  it('rejects a file cut mid-entry and mid-header', () => {
    const tar = makeTar([
      { name: 'a.bin', data: new Uint8Array(2000) },
      { name: 'b.bin', data: new Uint8Array(10) },
    ]);
    expect(() => readTar(tar.subarray(0, 1200), 'x.tar')).toThrow(/x\.tar: truncated tar entry a\.bin \(claims 2000 bytes, 688 present\)/);
    expect(() => readTar(tar.subarray(0, 512 + 2048 + 100), 'x.tar')).toThrow(/x\.tar: truncated tar header at byte 2560/);
  });

  it('rejects a corrupted header checksum', () => {
    const tar = makeTar([
      { name: 'a', data: 'x' },
      { name: 'b', data: 'y' },
    ]);
    const bad = tar.slice();
    bad[1024 + 3] ^= 0x40; // flip a bit in the second header's name
    expect(() => readTar(bad, 't.tar')).toThrow(/t\.tar: bad tar header checksum at byte 1024/);
    const first = tar.slice();
    first[0] ^= 0x40;
    expect(() => readTar(first, 't.tar')).toThrow(/t\.tar: not a tar archive/);
  });

  it('rejects a size field that is not octal', () => {
    const h = tarHeader({ name: 'a' }, 1);
    h.set(new TextEncoder().encode('0000000009x\0'), 124);
    h.fill(0x20, 148, 156);
    const sum = h.reduce((a, b) => a + b, 0);
    h.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
    const tar = new Uint8Array(512 * 4);
    tar.set(h);
    expect(() => readTar(tar, 't.tar')).toThrow(/size field "0000000009x\\u0000" is not octal/);
  });

  it('rejects random bytes and empty input', () => {
    const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
    expect(() => readTar(random, 'r.bin')).toThrow(DatasetError);
    expect(() => readTar(random, 'r.bin')).toThrow(/r\.bin: not a tar archive/);
    expect(() => readTar(new Uint8Array(0), 'e.tar')).toThrow(/e\.tar: empty tar archive/);
  });

  it('rejects a lone zero block followed by more entries', () => {
    const a = makeTar([{ name: 'a', data: 'x' }], false);
    const b = makeTar([{ name: 'b', data: 'y' }]);
    const tar = new Uint8Array(a.length + 512 + b.length);
    tar.set(a);
    tar.set(b, a.length + 512);
    expect(() => readTar(tar, 't.tar')).toThrow(/lone zero block/);
  });

  it('rejects a malformed pax record', () => {
    const tar = makeTar([
      { name: 'p', type: 'x', data: '99 path=x\n' },
      { name: 'a', data: 'x' },
    ]);
    expect(() => readTar(tar, 't.tar')).toThrow(/t\.tar: .*malformed pax header record/);
    // record lengths are decimal digits only ("1e1", "0xa" and "+10" all made Number() say 10)
    for (const rec of ['1e1 a=bcd\n', '0xa a=bcd\n', '+10 a=bcd\n']) {
      const t = makeTar([{ name: 'p', type: 'x', data: rec }, { name: 'a', data: 'x' }]);
      expect(() => readTar(t, 't.tar'), rec).toThrow(/malformed pax header record at byte 0/);
    }
    expect(readTar(makeTar([{ name: 'p', type: 'x', data: '10 a=bcde\n' }, { name: 'a', data: 'x' }]), 't.tar').has('a')).toBe(true);
  });

  // Past ~512 MB, a pax path or GNU long name decoded to a string threw V8's plain Error
  // (ERR_STRING_TOO_LONG), not a DatasetError; now anything over 1 MiB is refused first.
  it('refuses extended headers over 1 MiB and more than 100,000 entries', () => {
    expect(MAX_EXTENDED_HEADER_BYTES).toBe(1 << 20);
    const big = 'x'.repeat(MAX_EXTENDED_HEADER_BYTES);
    for (const [type, data] of [['x', paxRecords({ path: big })], ['L', big + '\0']]) {
      const tar = makeTar([{ name: 'h', type, data }, { name: 'a', data: 'x' }]);
      expect(() => readTar(tar, 't.tar')).toThrow(/^t\.tar: tar entry "h" at byte 0: extended header of 10\d{5} bytes is over the limit of 1048576 bytes$/);
    }
    expect(MAX_TAR_ENTRIES).toBe(100_000);
    const one = makeTar([{ name: 'e', data: new Uint8Array(0) }], false);
    const many = new Uint8Array(512 * (MAX_TAR_ENTRIES + 1) + 1024);
    for (let i = 0; i <= MAX_TAR_ENTRIES; i++) many.set(one, 512 * i);
    expect(() => readTar(many, 't.tar')).toThrow('t.tar: more than 100000 tar entries, the limit for a dataset archive');
    expect(readTar(many.subarray(512 * 10), 't.tar').size).toBe(1);
  });

  // Cross-check against a real tar implementation when the machine has one.
  let hasTar = false;
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    hasTar = true;
  } catch {
    hasTar = false;
  }
  it.skipIf(!hasTar)('reads archives written by the system tar (gnu, ustar and pax formats)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
    try {
      const longDir = 'cifar-100-binary' + '/abcdefghij'.repeat(11); // > 100 chars, splittable for ustar
      mkdirSync(join(dir, longDir), { recursive: true });
      writeFileSync(join(dir, 'cifar-100-binary/train.bin'), Uint8Array.from({ length: 3074 * 3 }, (_, i) => i & 0xff));
      writeFileSync(join(dir, longDir, 'deep.txt'), 'deep');
      for (const format of ['gnu', 'ustar', 'pax']) {
        const out = join(dir, `${format}.tar`);
        execFileSync('tar', [`--format=${format}`, '-cf', out, '-C', dir, 'cifar-100-binary']);
        const files = readTar(new Uint8Array(readFileSync(out)), `${format}.tar`);
        expect(files.get('cifar-100-binary/train.bin')).toEqual(new Uint8Array(readFileSync(join(dir, 'cifar-100-binary/train.bin'))));
        expect(text(files.get(`${longDir}/deep.txt`))).toBe('deep');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
