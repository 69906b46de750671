// A float32 tensor on the host by name: what weights files (PyTorch names and layout) and
// checkpoints (the engine's own layout) hold, whatever format writes it.
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}
