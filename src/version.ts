// Replaced at build time from package.json (esbuild define); tests see the fallback.
declare const __SECGATE_VERSION__: string | undefined;
export const VERSION: string = typeof __SECGATE_VERSION__ === 'string' ? __SECGATE_VERSION__ : '0.0.0-dev';
