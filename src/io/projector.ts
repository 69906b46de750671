// An embedding in TensorBoard Projector's files (projector.tensorflow.org, "Load"): embeddings.tsv
// holds one row per point, tab-separated, no header; metadata.tsv one row per point with a header
// row (the Projector expects one when there is more than one column).

/** embeddings.tsv: n rows of D tab-separated numbers. */
export function embeddingsTsv(x: Float32Array, n: number, D: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(Array.from(x.subarray(i * D, (i + 1) * D), (v) => String(v)).join('\t'));
  return lines.join('\n') + '\n';
}

/** metadata.tsv: a header, then each point's index, label and class name (tabs and newlines in names become spaces). */
export function metadataTsv(labels: Int32Array, classNames: readonly string[]): string {
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
  const lines = ['index\tlabel\tclass'];
  labels.forEach((l, i) => lines.push(`${i}\t${l}\t${clean(classNames[l] ?? String(l))}`));
  return lines.join('\n') + '\n';
}
