export { type CsvTable, column, csvField, csvLine, parseCsv, readCsv, records } from "./csv.ts";
export { dataFile, projectRoot, resolveDataDir } from "./dir.ts";
export { type JsonlRecord, parseJsonl, readJsonl, toJsonl } from "./jsonl.ts";
export { isMissingValue, parseNumber } from "./number.ts";
