// Runs in Node: a model resolved to a local folder, whatever the user named (embedded, a folder, a hub id).
export interface ModelFolder {
  /** What the user asked for, used in messages and in results. */
  readonly id: string;
  readonly dir: string;
  readonly graphPath: string;
  /** graphPath relative to dir, e.g. "onnx/model.onnx": reported so the person knows which file ran. */
  readonly graphFile: string;
}
