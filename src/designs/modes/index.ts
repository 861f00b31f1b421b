/** Design modes (blind, unblinded, within, aggregate), the confound probe and held-fixed covariates: prompt parts. */
export {
  type AggregateOutcome,
  ALL_ARMS,
  ARM_SEPARATOR,
  BLINDING_MODES,
  type BlindingMode,
  type DesignArm,
  type DesignCall,
  decodeAnswers,
  decodeStoredRow,
  designCalls,
  type ExperimentDesign,
  type HeldFixed,
  heldFixedText,
  MODE_SEPARATOR,
  splitStoredArm,
  storedArm,
} from "./modes.ts";
export {
  PROBE_PREAMBLE,
  PROBE_PREFIX,
  type ProbeVariable,
  probeQuestions,
  splitProbe,
} from "./probe.ts";
