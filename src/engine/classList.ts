// Class lists as people write them: indices, names and ranges ("0-9", "0-4,7, apple"). The one
// parser for the page's Classes/Superclasses fields, the URL and the command line; the config
// schema holds the expanded list (indices and names), which this file also writes back compactly.

export class ClassListError extends Error {
  override name = 'ClassListError';
}

/** A range longer than this is a typo, not a subset (CIFAR-100 has 100 classes). */
export const MAX_RANGE = 10_000;

const RANGE = /^(\d+)\s*-\s*(\d+)$/;

/**
 * "0-4, 7, apple" → [0, 1, 2, 3, 4, 7, 'apple']. Empty items are skipped and repeats dropped
 * (first place kept). A name with a hyphen ("maple-tree") is a name: a range has digits on both sides.
 */
export function parseClassList(text: string): (number | string)[] {
  const out: (number | string)[] = [];
  const seen = new Set<number | string>();
  const add = (x: number | string) => {
    if (!seen.has(x)) (seen.add(x), out.push(x));
  };
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    if (/^\d+$/.test(item)) {
      add(Number(item));
      continue;
    }
    const r = RANGE.exec(item);
    if (!r) {
      add(item);
      continue;
    }
    const lo = Number(r[1]);
    const hi = Number(r[2]);
    if (lo > hi) throw new ClassListError(`range "${item}" runs backwards (write ${hi}-${lo})`);
    if (hi - lo + 1 > MAX_RANGE) throw new ClassListError(`range "${item}" has ${hi - lo + 1} classes, more than ${MAX_RANGE}`);
    for (let i = lo; i <= hi; i++) add(i);
  }
  return out;
}

/** The list written back: runs of 3 or more consecutive indices as "a-b" ([0,1,2,3,7,'apple'] → "0-3, 7, apple"). */
export function formatClassList(list: readonly (number | string)[], sep = ', '): string {
  const parts: string[] = [];
  for (let i = 0; i < list.length; ) {
    const x = list[i];
    let j = i;
    if (typeof x === 'number') while (j + 1 < list.length && list[j + 1] === (list[j] as number) + 1) j++;
    parts.push(j - i >= 2 ? `${x}-${list[j]}` : String(x));
    if (j - i === 1) parts.push(String(list[j]));
    i = j + 1;
  }
  return parts.join(sep);
}
