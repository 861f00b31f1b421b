export * from "./classic-studies/index.ts";
export * from "./conjoint/index.ts";
export * from "./econ-games/index.ts";
export * from "./gss-cumulative/index.ts";
export * from "./gss-panel/index.ts";
