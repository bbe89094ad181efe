// PDQ itself is pure TypeScript and lives in the SDK (browsers hash with it too); the generator adds
// the Node decoder (sharp) in ./decode.ts.
export {
  PDQ_MATCH_DISTANCE,
  PDQ_MIN_DIMENSION,
  PDQ_MIN_QUALITY,
  type PdqDihedralResult,
  type PdqResult,
  type PdqWords,
  type RawImage,
  lumaOf,
  pdqDihedralFromLuma,
  pdqDistance,
  pdqFromLuma,
  resizeForPdq,
} from "@motif/sdk";
