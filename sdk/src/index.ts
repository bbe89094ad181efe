// @motif/sdk — browser-safe entry: viem, the generated ABIs, JSON tables; nothing Node-only.
export * from "./abis/index.js";
export { defaultAddresses, type MotifAddresses } from "./addresses.js";
export { certificateDomain, licensingDomain, mintAttestationTypes, offerTypes } from "./eip712.js";
export { MotifContractError, type MotifContractErrorType, rethrowMotifError } from "./errors.js";
export { motifActions } from "./decorator.js";
export * from "./regions/index.js";
export * from "./types/lineage.js";
export * from "./types/license.js";
export * from "./actions/models/registerModel.js";
export * from "./actions/models/getModel.js";
export * from "./actions/certificates/getCertificate.js";
export * from "./actions/licensing/signOffer.js";
export * from "./actions/licensing/acceptOffer.js";
export * from "./actions/licensing/isLicensed.js";
export * from "./actions/licensing/requireLicensed.js";
export * from "./actions/licensing/reportUsage.js";
export * from "./actions/licensing/withdraw.js";
