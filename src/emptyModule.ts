// Runs nowhere on purpose: what the bundles get instead of sharp (esbuild.mjs aliases it here). transformers.js
// imports sharp for images, and QKV Scope only reads text, so the .vsix need not carry ~7 MB of libvips.
export {};
