// The README stays a page a newcomer reads in five minutes (issue 21), and the docs it points to
// stay whole: every relative link and every `docs/….md` path named in README.md, docs/*.md and the
// folders' READMEs resolves to a file, and every #anchor to a heading of that file (GitHub's slugs).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  'interop/pytorch/README.md',
  'src/bench/README.md',
];

/** The page without its fenced code blocks (links and headings inside them are not links or headings). */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's heading anchor: lower case, punctuation dropped (letters of any script kept), spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a page's headings give, with GitHub's -1, -2, … for repeats. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const s = slug(m[1]);
    const n = seen.get(s) ?? 0;
    out.add(n === 0 ? s : `${s}-${n}`);
    seen.set(s, n + 1);
  }
  return out;
}

/** The targets of a page's markdown links that point inside the repository. */
function relativeLinks(text: string): string[] {
  const targets = [...prose(text).matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** Where a link of `page` points: a file (repo-relative) and an anchor, if any. */
function resolveLink(page: string, target: string): { file: string; anchor: string | null } {
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  const file = path === '' ? page : relative(ROOT, join(ROOT, dirname(page), decodeURIComponent(path)));
  return { file, anchor: anchor ? decodeURIComponent(anchor) : null };
}

describe('README.md', () => {
  const readme = read('README.md');

  it('is under 200 lines', () => {
    expect(readme.split('\n').length).toBeLessThan(200);
  });

  it('opens with the two commands: npm start and npm test', () => {
    const lines = readme.split('\n');
    const first = lines.findIndex((l) => l.startsWith('    '));
    expect(first).toBeGreaterThan(0);
    expect(lines.slice(0, first).every((l) => l.startsWith('#') || l.trim() === '')).toBe(true);
    const block: string[] = [];
    for (let i = first; i < lines.length && lines[i].startsWith('    '); i++) block.push(lines[i]);
    expect(block.some((l) => /\bnpm start\b/.test(l))).toBe(true);
    expect(block.some((l) => /\bnpm test\b/.test(l))).toBe(true);
  });
});

describe.each(PAGES)('%s', (page) => {
  const text = read(page);

  it('links only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const target of relativeLinks(text)) {
      const { file, anchor } = resolveLink(page, target);
      if (!existsSync(join(ROOT, file))) broken.push(`${target}: no file ${file}`);
      else if (anchor && file.endsWith('.md') && !anchors(read(file)).has(anchor)) broken.push(`${target}: no heading #${anchor} in ${file}`);
    }
    expect(broken).toEqual([]);
  });

  it('names only docs/ pages that exist', () => {
    const named = [...text.matchAll(/(?<![\w./-])docs\/[\w./-]+?\.md\b/g)].map((m) => m[0]);
    const missing = named.filter((p) => !existsSync(join(ROOT, p)) || !statSync(join(ROOT, p)).isFile());
    expect(missing).toEqual([]);
  });
});

describe('slug', () => {
  it('follows GitHub: numbered sections, punctuation, λ', () => {
    expect(slug('4. Architecture')).toBe('4-architecture');
    expect(slug("Reproducing the paper's CIFAR-100 comparison")).toBe('reproducing-the-papers-cifar-100-comparison');
    expect(slug('The science: masks, the loss scale, and what λ means')).toBe('the-science-masks-the-loss-scale-and-what-λ-means');
  });
});
