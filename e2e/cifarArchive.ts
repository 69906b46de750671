// A small, valid CIFAR-100 binary archive made on the spot (random pixels, labels cycling through
// the classes), for tests that need a picked dataset file.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** One ustar entry. */
function tarEntry(name: string, data: Buffer): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([h, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/** n CIFAR-100 records: coarse label, fine label, 3072 pixel bytes. */
function records(n: number): Buffer {
  const b = randomBytes(n * 3074);
  for (let i = 0; i < n; i++) {
    b[i * 3074] = i % 20;
    b[i * 3074 + 1] = i % 100;
  }
  return b;
}

/** CIFAR-100's first ten fine class names, then class_10 … class_99 (a test picks classes by name). */
export const FINE_NAMES = ['apple', 'aquarium_fish', 'baby', 'bear', 'beaver', 'bed', 'bee', 'beetle', 'bicycle', 'bottle', ...Array.from({ length: 90 }, (_, i) => `class_${i + 10}`)];

/** cifar-100-binary.tar.gz with `train` and `test` records; `names`: with fine_label_names.txt. */
export function cifar100Archive(train: number, test: number, opts: { names?: boolean } = {}): Buffer {
  const entries = [tarEntry('cifar-100-binary/train.bin', records(train)), tarEntry('cifar-100-binary/test.bin', records(test))];
  if (opts.names) entries.push(tarEntry('cifar-100-binary/fine_label_names.txt', Buffer.from(`${FINE_NAMES.join('\n')}\n`)));
  return gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
}
