// Runs everywhere: limits that the settings, the CLI and the engine agree on.

/** Default for qkvScope.maxTokens and --max-tokens: at 512 tokens a 12×12 model already holds 150 MB of attention. */
export const DEFAULT_MAX_TOKENS = 512;

/** Longest text, in UTF-8 bytes, that is read at all (a --file, a selection): far beyond any token limit. */
export const MAX_INPUT_BYTES = 1 << 20;
