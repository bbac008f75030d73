// Modules scripts/web.mjs makes at build time.
declare module 'txc:examples' {
  /** Every spec under specs/, by its path there, sorted. */
  const examples: readonly { path: string; text: string }[];
  export default examples;
}
