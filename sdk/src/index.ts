// @motif/sdk — browser-safe entry: viem, the generated ABIs, JSON tables; nothing Node-only.
export * from "./abis/index.js";
export { defaultAddresses, type MotifAddresses } from "./addresses.js";
export { type DeploymentRecord, DeploymentRecordError, addressesOf, parseDeploymentRecord } from "./deployment.js";
export { certificateDomain, colourwayAttestationTypes, eip712TypeStrings, eip712Types, licensingDomain, mintAttestationTypes, offerTypes } from "./eip712.js";
export {
  MotifContractError,
  type MotifContractErrorType,
  type MotifErrorName,
  type MotifErrorOf,
  type MotifErrorUnion,
  isMotifError,
  motifErrorArgNames,
  motifErrorOf,
  namedMotifErrorArgs,
  rethrowMotifError,
} from "./errors.js";
export { CidV1, ModelStatus, MotifCertificateConstants, MotifLicensingConstants, MotifModelRegistryConstants } from "./generated/constants.js";
export { structParameters } from "./generated/structs.js";
export { describeMotifError, explainMotifError, motifErrorsAbi, regionLabel, regionMaskLabel, unixTimeLabel } from "./explain.js";
export { motifActions } from "./decorator.js";
export * from "./regions/index.js";
export * from "./productClasses/index.js";
export * from "./checkTime.js";
export * from "./types/lineage.js";
export * from "./types/license.js";
export * from "./licenseTerms.js";
export * from "./termsInWords.js";
export * from "./nonceManager.js";
export * from "./actions/models/registerModel.js";
export * from "./actions/models/getModel.js";
export * from "./actions/models/listModels.js";
export * from "./actions/models/getModelCard.js";
export * from "./actions/certificates/getCertificate.js";
export * from "./actions/licensing/signOffer.js";
export * from "./actions/licensing/acceptOffer.js";
export * from "./actions/licensing/isLicensed.js";
export * from "./actions/licensing/requireLicensed.js";
export * from "./actions/licensing/reportUsage.js";
export * from "./actions/licensing/getCurrencyUnit.js";
export * from "./actions/licensing/withdraw.js";
export * from "./actions/models/deprecateModel.js";
export * from "./actions/certificates/attestLineage.js";
export * from "./actions/certificates/mintCertificates.js";
export * from "./actions/colourways/mintColourway.js";
export * from "./actions/colourways/getDesignOf.js";
export * from "./actions/colourways/getColourways.js";
export * from "./actions/licensing/publishOffer.js";
export * from "./actions/licensing/renewLicense.js";
export * from "./actions/licensing/transferLicense.js";
export * from "./actions/licensing/cancelSignedOffer.js";
export * from "./actions/licensing/revokeLicense.js";
export * from "./actions/certificates/royaltyInfo.js";
export * from "./actions/certificates/getCertificateMetadata.js";
export * from "./actions/certificates/logEdit.js";
export * from "./actions/events/events.js";
export * from "./actions/events/getEventLogs.js";
export * from "./ipfs/fetchVerified.js";
export * from "./verify/verifyCertificate.js";
export * from "./pdq/pdqHash.js";
export * from "./pdq/pdq.js";
export { canonicalJson } from "./canonical.js";
export * from "./params/modelParams.js";
export * from "./params/printSpec.js";
export * from "./params/colourway.js";
export * from "./params/specError.js";
export * from "./metadata/certificateMetadata.js";
export * from "./metadata/recipeMetadata.js";
export * from "./metadata/datasetMetadata.js";
export * from "./metadata/motifMetadata.js";
export * from "./metadata/modelCard.js";
export { hammingDistance256 } from "./hamming.js";
export * from "./datasets/merkle.js";
export * from "./actions/datasets/checkTrainingLicense.js";
export * from "./actions/datasets/verifyDataset.js";
export * from "./actions/datasets/getDatasetManifest.js";
export * from "./ids.js";
export * from "./actions/recipes/mintRecipe.js";
export * from "./actions/recipes/getRecipe.js";
export * from "./actions/recipes/checkRecipeLicense.js";
export * from "./actions/datasets/mintDataset.js";
// the tile hash's in-place radix-2 FFT (and its shortcut for a zero-padded real line), exported so
// auditors (and the SDK's tests) can check it against a textbook transform: the tile bits an
// attestation carries depend on it bit for bit
export { fft, fftOfRealLine } from "./tile/fft.js";
export { type RelaidHash, TILE_MATCH_DISTANCE, TILE_MIN_ENERGY, TILE_MIN_SPREAD, TILE_HASH_READING, TILE_SIZE, TILE_VARIANTS, TILE_VERIFY_TOLERANCE, type TileHashOptions, type TileHashReading, type TileHashResult, type TileVariant, tileDistance, tileHashPixels } from "./tile/tileHash.js";
export * from "./indexer/types.js";
export * from "./indexer/actions.js";
