// Tests that call the PyTorch side (interop/pytorch) run Debian's /usr/bin/python3, which has
// torch and numpy; where it lacks them they are skipped and say why.
import { execFileSync } from 'node:child_process';

export const PY = '/usr/bin/python3';

/** Why PyTorch tests cannot run here, or null when they can. */
export const torchWhyNot: string | null = (() => {
  try {
    execFileSync(PY, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${PY} cannot import torch and numpy (install Debian's python3-torch and python3-numpy)`;
  }
})();
if (torchWhyNot) console.warn(`PyTorch tests skipped: ${torchWhyNot}`);
