/** Design diagnostics: does the treatment move what the prompt leaves unsaid (the confound probe)? */
export {
  type ArmMean,
  focalismNote,
  type ProbeDiagnostic,
  type ProbeObservation,
  type ProbeResult,
  probeDiagnostics,
} from "./probe.ts";
export { designDiagnosticsSection, type ModeDiagnostics } from "./report.ts";
