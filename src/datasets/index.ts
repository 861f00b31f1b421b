export * from "./gss-panel/index.ts";
