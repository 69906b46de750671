// npm run export-onnx -- --weights FILE.safetensors --out DIR | --check FILE.onnx: see exportOnnxCommand.ts.
import { exportOnnxCommand } from './exportOnnxCommand';
import { runMain } from './main';

runMain('export-onnx', exportOnnxCommand);
