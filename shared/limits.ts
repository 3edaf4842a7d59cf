// Runs everywhere: limits that the settings, the CLI and the engine agree on.

/** Default for qkvScope.maxTokens and --max-tokens: at 512 tokens a 12×12 model already holds 150 MB of attention. */
export const DEFAULT_MAX_TOKENS = 512;
