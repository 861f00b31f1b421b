export * from "./gss-cumulative/index.ts";
export * from "./gss-panel/index.ts";
